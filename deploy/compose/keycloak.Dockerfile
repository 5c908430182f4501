# Keycloak for deploy/compose, built the way the repository builds it for npm start and the tests
# (scripts/lib/keycloak/options.ts; tests/deploy-compose.test.ts keeps them equal): the build-time
# options are baked in here, so the container starts with `start --optimized`.
FROM quay.io/keycloak/keycloak:26.7.3 AS builder
ENV KC_DB=postgres
ENV KC_HEALTH_ENABLED=true
ENV KC_HTTP_RELATIVE_PATH=/auth
RUN /opt/keycloak/bin/kc.sh build

FROM quay.io/keycloak/keycloak:26.7.3
COPY --from=builder /opt/keycloak/ /opt/keycloak/

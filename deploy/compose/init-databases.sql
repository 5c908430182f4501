-- One database per service (and one for Keycloak) on the shared PostgreSQL.
CREATE DATABASE keycloak;
CREATE DATABASE mockmart_gateway;
CREATE DATABASE mockmart_shop_api;
CREATE DATABASE mockmart_inventory;
CREATE DATABASE mockmart_payment;
CREATE DATABASE mockmart_notification;

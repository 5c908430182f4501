-- A fault aimed at some calls (@mockmart/service-kit/faults): only those of the listed users, and
-- reads (catalog and stock lookups) only when asked, so browsing never spends "the next N calls".
ALTER TABLE fault_switch ADD COLUMN user_ids text[];
ALTER TABLE fault_switch ADD COLUMN include_reads boolean NOT NULL DEFAULT false;

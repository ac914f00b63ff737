-- paybatch schema, version 1.
--
-- Written for SQLite but kept close to portable SQL so that a PostgreSQL
-- dialect later only needs the id column types changed (INTEGER PRIMARY KEY
-- is SQLite's rowid alias; PostgreSQL would use BIGINT GENERATED ... AS
-- IDENTITY). Money is integer minor units plus a currency code; control sums
-- are exact decimal text; times are fixed-width UTC text, which sorts
-- chronologically and reads well in the sqlite3 shell.

CREATE TABLE batches (
    id                    TEXT PRIMARY KEY,
    file_name             TEXT NOT NULL DEFAULT '',
    source                TEXT NOT NULL DEFAULT '',
    sha256                TEXT NOT NULL UNIQUE,
    format                TEXT NOT NULL DEFAULT '',
    message_name          TEXT NOT NULL DEFAULT '',
    namespace             TEXT NOT NULL DEFAULT '',
    msg_id                TEXT NOT NULL DEFAULT '',
    creation_date_time    TEXT NOT NULL DEFAULT '',
    declared_nb_of_txs    INTEGER,
    declared_ctrl_sum     TEXT,
    initiating_party_name TEXT NOT NULL DEFAULT '',
    initiating_party_id   TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL DEFAULT '',
    reason                TEXT NOT NULL DEFAULT '',
    reason_text           TEXT NOT NULL DEFAULT '',
    issues                TEXT NOT NULL DEFAULT '[]',
    payments              INTEGER NOT NULL DEFAULT 0,
    valid                 INTEGER NOT NULL DEFAULT 0,
    invalid               INTEGER NOT NULL DEFAULT 0,
    control_sum           TEXT NOT NULL DEFAULT '0',
    stage                 TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    finished_at           TEXT,
    ack_report_at         TEXT,
    final_report_at       TEXT
);

CREATE INDEX batches_msg_id ON batches (msg_id);
CREATE INDEX batches_stage ON batches (stage);

CREATE TABLE payment_infos (
    batch_id                 TEXT NOT NULL REFERENCES batches (id),
    idx                      INTEGER NOT NULL,
    pmt_inf_id               TEXT NOT NULL DEFAULT '',
    method                   TEXT NOT NULL DEFAULT '',
    nb_of_txs                INTEGER,
    ctrl_sum                 TEXT,
    requested_execution_date TEXT NOT NULL DEFAULT '',
    category_purpose         TEXT NOT NULL DEFAULT '',
    service_level            TEXT NOT NULL DEFAULT '',
    batch_booking            TEXT NOT NULL DEFAULT '',
    debtor_name              TEXT NOT NULL DEFAULT '',
    debtor_iban              TEXT NOT NULL DEFAULT '',
    debtor_bic               TEXT NOT NULL DEFAULT '',
    ultimate_debtor_id       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, idx)
);

CREATE TABLE payments (
    id                       INTEGER PRIMARY KEY,
    batch_id                 TEXT NOT NULL REFERENCES batches (id),
    idx                      INTEGER NOT NULL,
    row_num                  INTEGER NOT NULL DEFAULT 0,
    info_idx                 INTEGER,
    instr_id                 TEXT NOT NULL DEFAULT '',
    end_to_end_id            TEXT NOT NULL DEFAULT '',
    amount_minor             INTEGER NOT NULL,
    currency                 TEXT NOT NULL DEFAULT '',
    amount_text              TEXT NOT NULL DEFAULT '',
    creditor_name            TEXT NOT NULL DEFAULT '',
    creditor_iban            TEXT NOT NULL DEFAULT '',
    creditor_bic             TEXT NOT NULL DEFAULT '',
    creditor_country         TEXT NOT NULL DEFAULT '',
    creditor_account         TEXT NOT NULL DEFAULT '',
    remittance_info          TEXT NOT NULL DEFAULT '',
    creditor_ref             TEXT NOT NULL DEFAULT '',
    purpose                  TEXT NOT NULL DEFAULT '',
    category_purpose         TEXT NOT NULL DEFAULT '',
    charge_bearer            TEXT NOT NULL DEFAULT '',
    ultimate_debtor_id       TEXT NOT NULL DEFAULT '',
    requested_execution_date TEXT NOT NULL DEFAULT '',
    debtor_account           TEXT NOT NULL DEFAULT '',
    provider_column          TEXT NOT NULL DEFAULT '',
    external_user_id         TEXT NOT NULL DEFAULT '',
    issues                   TEXT NOT NULL DEFAULT '[]',
    warnings                 TEXT NOT NULL DEFAULT '[]',
    -- The route and the dispatch record (batch.Dispatch).
    provider                 TEXT NOT NULL DEFAULT '',
    account                  TEXT NOT NULL DEFAULT '',
    user_id                  TEXT NOT NULL DEFAULT '',
    idempotency_key          TEXT UNIQUE,
    state                    TEXT NOT NULL DEFAULT '',
    attempts                 INTEGER NOT NULL DEFAULT 0,
    next_at                  TEXT,
    sent_at                  TEXT,
    provider_ref             TEXT NOT NULL DEFAULT '',
    status                   TEXT NOT NULL DEFAULT '',
    reason                   TEXT NOT NULL DEFAULT '',
    provider_code            TEXT NOT NULL DEFAULT '',
    text                     TEXT NOT NULL DEFAULT '',
    updated_at               TEXT NOT NULL,
    UNIQUE (batch_id, idx),
    FOREIGN KEY (batch_id, info_idx) REFERENCES payment_infos (batch_id, idx)
);

CREATE INDEX payments_due ON payments (provider, state, next_at);
CREATE INDEX payments_ref ON payments (provider, provider_ref);

-- Append-only audit trail: every state change of a batch or a payment is
-- written here in the same transaction as the change itself.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    batch_id   TEXT REFERENCES batches (id),
    payment_id INTEGER REFERENCES payments (id),
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    why        TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX events_batch ON events (batch_id, id);
CREATE INDEX events_payment ON events (payment_id, id);

-- One row per named lease. A daemon holds 'daemon' while it runs so that a
-- second one on the same database stops with a clear error instead of
-- dispatching the same payments.
CREATE TABLE daemon_lock (
    name        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

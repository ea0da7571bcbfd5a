-- The Rooms module's own schema: appointments from the scheduling system, one consultation per appointment,
-- its participants, its timeline (every transition with its time) and the outbox billing consumes.
CREATE TABLE IF NOT EXISTS rooms.appointments (
    id                uuid PRIMARY KEY,
    practitioner_id   text        NOT NULL,
    patient_id        text        NOT NULL,
    patient_name      text,
    patient_email     text,
    starts_at         timestamptz NOT NULL,
    duration_minutes  integer     NOT NULL CHECK (duration_minutes > 0),
    price_minor       bigint      NOT NULL CHECK (price_minor >= 0),
    currency          char(3)     NOT NULL,
    payer             jsonb       NOT NULL,
    cancelled_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS appointments_practitioner_start ON rooms.appointments (practitioner_id, starts_at);

CREATE TABLE IF NOT EXISTS rooms.consultations (
    appointment_id     uuid PRIMARY KEY REFERENCES rooms.appointments (id),
    state              text        NOT NULL CHECK (state IN ('open', 'in_progress', 'ended')),
    opened_at          timestamptz NOT NULL,
    admitted_at        timestamptz,
    ended_at           timestamptz,
    end_reason         text,
    billable           boolean,
    unbillable_reason  text
);

CREATE TABLE IF NOT EXISTS rooms.participants (
    appointment_id   uuid        NOT NULL REFERENCES rooms.consultations (appointment_id),
    participant_id   text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('patient', 'practitioner', 'guest')),
    state            text        NOT NULL CHECK (state IN ('invited', 'waiting', 'admitted', 'disconnected', 'left')),
    admitted         boolean     NOT NULL DEFAULT false,
    connection_id    text,
    joined_at        timestamptz,
    disconnected_at  timestamptz,
    left_at          timestamptz,
    PRIMARY KEY (appointment_id, participant_id)
);
CREATE INDEX IF NOT EXISTS participants_disconnected ON rooms.participants (disconnected_at) WHERE state = 'disconnected';

CREATE TABLE IF NOT EXISTS rooms.timeline (
    seq             bigserial PRIMARY KEY,
    appointment_id  uuid        NOT NULL,
    at              timestamptz NOT NULL,
    kind            text        NOT NULL,
    participant_id  text,
    detail          text
);
CREATE INDEX IF NOT EXISTS timeline_appointment ON rooms.timeline (appointment_id, seq);

CREATE TABLE IF NOT EXISTS rooms.outbox (
    seq             bigserial PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    appointment_id  uuid        NOT NULL,
    kind            text        NOT NULL,
    payload         jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    processed_at    timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending ON rooms.outbox (seq) WHERE processed_at IS NULL;

-- When the server last relayed each participant's media, written every few seconds while media flows. After a crash the
-- restart ends each open live-media interval at this mark instead of at the restart, so a kill -9 loses seconds, not
-- the outage.
CREATE TABLE IF NOT EXISTS rooms.media_marks (
    appointment_id   uuid        NOT NULL,
    participant_id   text        NOT NULL,
    last_relayed_at  timestamptz NOT NULL,
    PRIMARY KEY (appointment_id, participant_id)
);

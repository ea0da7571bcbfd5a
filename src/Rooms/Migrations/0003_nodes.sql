-- Several nodes. A room's media lives on one node: its placement, agreed by every node through this row (inserted if
-- absent, replaced only by compare-and-set on node_id). Each participant's hub connection is on one node (node_id),
-- so a node's start-up sweep and a dead node's take-over touch only that node's participants. A relay mark says which
-- node relayed it.
CREATE TABLE IF NOT EXISTS rooms.placements (
    appointment_id  uuid        PRIMARY KEY,
    node_id         text        NOT NULL,
    placed_at       timestamptz NOT NULL,
    moves           integer     NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS placements_node ON rooms.placements (node_id);
ALTER TABLE rooms.participants ADD COLUMN IF NOT EXISTS node_id text;
ALTER TABLE rooms.media_marks ADD COLUMN IF NOT EXISTS node_id text;

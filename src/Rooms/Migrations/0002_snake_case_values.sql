-- Every enum value the module stores is snake_case (the same text the hub and the HTTP API show). Rows written before
-- that used the C# names for end reasons ('EndedByPractitioner'), kebab-case departure reasons ('grace-expired') and
-- the words 'appointment cancelled' for a cancelled appointment's unbillable reason.
UPDATE rooms.consultations SET end_reason = lower(regexp_replace(end_reason, '([a-z])([A-Z])', '\1_\2', 'g'))
    WHERE end_reason ~ '[A-Z]';
UPDATE rooms.consultations SET unbillable_reason = 'appointment_cancelled'
    WHERE unbillable_reason = 'appointment cancelled' AND end_reason = 'appointment_cancelled';
UPDATE rooms.timeline SET detail = lower(regexp_replace(detail, '([a-z])([A-Z])', '\1_\2', 'g'))
    WHERE kind = 'ended' AND detail ~ '[A-Z]';
UPDATE rooms.timeline SET detail = replace(detail, '-', '_')
    WHERE kind IN ('left', 'disconnected') AND detail IN ('grace-expired', 'server-restart', 'connection-lost');
-- Entries not yet consumed carry the old spellings in their payload.
UPDATE rooms.outbox SET payload = jsonb_set(payload, '{reason}',
        to_jsonb(lower(regexp_replace(payload->>'reason', '([a-z])([A-Z])', '\1_\2', 'g'))))
    WHERE processed_at IS NULL AND payload->>'reason' ~ '[A-Z]';
UPDATE rooms.outbox SET payload = jsonb_set(payload, '{unbillableReason}', '"appointment_cancelled"')
    WHERE processed_at IS NULL AND payload->>'unbillableReason' = 'appointment cancelled'
      AND payload->>'reason' = 'appointment_cancelled';

-- End reasons are stored as snake_case like every other enum value ('ended_by_practitioner', was 'EndedByPractitioner');
-- a cancelled appointment's unbillable reason is the code 'appointment_cancelled' (was the words 'appointment cancelled').
UPDATE billing.charges SET end_reason = lower(regexp_replace(end_reason, '([a-z])([A-Z])', '\1_\2', 'g'))
    WHERE end_reason ~ '[A-Z]';
UPDATE billing.charges SET unbillable_reason = 'appointment_cancelled' WHERE unbillable_reason = 'appointment cancelled';

-- The practitioner's display name, as the scheduling system sends it (optional): shown to the patient in the waiting
-- room and on the receipt.
ALTER TABLE rooms.appointments ADD COLUMN IF NOT EXISTS practitioner_name text;

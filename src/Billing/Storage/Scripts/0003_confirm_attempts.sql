-- A patient's 3-D Secure confirmation (local emulator) is a payment attempt like the others.
ALTER TABLE billing.payment_attempts DROP CONSTRAINT payment_attempts_kind_check;
ALTER TABLE billing.payment_attempts ADD CONSTRAINT payment_attempts_kind_check
    CHECK (kind IN ('authorize', 'capture', 'cancel', 'refund', 'confirm'));

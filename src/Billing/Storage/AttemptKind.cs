namespace Doctolib.Telehealth.Billing.Storage;

/// <summary>What a payment attempt asks the provider to do. Stored in <c>billing.payment_attempts.kind</c> as its
/// snake_case text (<see cref="Rooms.WireFormat"/>).</summary>
internal enum AttemptKind
{
    Authorize,
    Capture,
    Cancel,
    Confirm,
    Refund,
}

/// <summary>Where a payment attempt stands, stored in <c>billing.payment_attempts.status</c>.</summary>
internal enum AttemptStatus
{
    Pending,
    Succeeded,
    Failed,
}

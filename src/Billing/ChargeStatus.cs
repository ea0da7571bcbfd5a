namespace Doctolib.Telehealth.Billing;

/// <summary>Where a charge's money stands. Stored as text in <c>billing.charges.status</c>.</summary>
internal static class ChargeStatus
{
    public const string Authorizing = "authorizing";
    public const string RequiresAction = "requires_action";
    public const string Authorized = "authorized";
    public const string Declined = "declined";
    public const string CapturePending = "capture_pending";
    public const string Captured = "captured";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Refunded = "refunded";
    public const string ReleasePending = "release_pending";
    public const string Released = "released";
    public const string Failed = "failed";
    public const string NotBillable = "not_billable";
    public const string ClaimOpen = "claim_open";
    public const string ClaimRecorded = "claim_recorded";
    public const string RemittanceReceived = "remittance_received";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Authorizing, RequiresAction, Authorized, Declined, CapturePending, Captured, PartiallyRefunded, Refunded,
        ReleasePending, Released, Failed, NotBillable, ClaimOpen, ClaimRecorded, RemittanceReceived,
    };
}

namespace Doctolib.Telehealth.Signaling.Auth;

/// <summary>The roles a token can carry.</summary>
public static class Roles
{
    public const string Patient = "patient";
    public const string Practitioner = "practitioner";
    public const string Billing = "billing";
    public const string Scheduler = "scheduler";

    /// <summary>A third participant invited by the practitioner; the token names the one appointment it is for.</summary>
    public const string Guest = "guest";

    public static readonly IReadOnlySet<string> Issuable = new HashSet<string>(StringComparer.Ordinal) { Patient, Practitioner, Billing, Scheduler };
}

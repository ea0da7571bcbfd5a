namespace Doctolib.Telehealth.Media.Ice;

/// <summary>Settings of the ICE-lite server.</summary>
internal sealed class IceLiteOptions
{
    /// <summary>A selected pair with no valid binding request for this long has lost consent (RFC 7675 §5.1: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When true, requests that fail authentication get the 400/401 answers of RFC 8489 §9.1.3. When false
    /// (the default) they are dropped silently, so the port answers nobody who lacks valid credentials: no reflection,
    /// no oracle for guessing ufrags.</summary>
    public bool AnswerUnauthenticatedRequests { get; set; }

    /// <summary>Most candidate pairs remembered per session; the oldest unselected one is forgotten past it.</summary>
    public int MaxPairsPerSession { get; set; } = 8;
}

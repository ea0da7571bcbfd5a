namespace Doctolib.Telehealth.Media.Ice;

/// <summary>What the lite server did with one incoming packet.</summary>
internal enum IceBindingOutcome
{
    /// <summary>Not a well-formed STUN message (the caller may try DTLS/RTP on it).</summary>
    NotStun,

    /// <summary>STUN, but dropped without an answer; see <see cref="IceBindingResult.DropReason"/>.</summary>
    Dropped,

    /// <summary>An authenticated binding request, answered with a success response.</summary>
    Success,

    /// <summary>Answered with an error response (400, 401, 420 or 487).</summary>
    Error,
}

/// <summary>Why a STUN packet was dropped. Counted by the caller, never logged per packet.</summary>
internal enum IceDropReason
{
    None,
    NotBindingRequest,
    BadFingerprint,
    MissingCredentials,
    UnknownUsername,
    BadMessageIntegrity,
}

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>The result of <see cref="IceLiteServer.HandlePacket"/>: what happened, the response to send back to
/// the same remote address (null when nothing must be sent) and, for authenticated requests, the session.</summary>
internal readonly record struct IceBindingResult(
    IceBindingOutcome Outcome,
    byte[]? Response = null,
    IceSession? Session = null,
    IceDropReason DropReason = IceDropReason.None,
    int ErrorCode = 0,
    bool Nominated = false,
    bool SelectedPairChanged = false,
    bool ConsentRestored = false);

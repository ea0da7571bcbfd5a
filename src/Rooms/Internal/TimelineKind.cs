namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>What a <c>rooms.timeline</c> row records; stored as its snake_case text (<see cref="WireFormat"/>).
/// The media plane's <c>media_up</c> / <c>media_down</c> rows are written by <see cref="MediaTimelineObserver"/>.</summary>
internal enum TimelineKind
{
    Opened,
    Joined,
    Rejoined,
    Reconnected,
    Returned,
    Invited,
    Admitted,
    ConsultationStarted,
    Disconnected,
    Left,
    Ended,
    MediaUp,
    MediaDown,
}

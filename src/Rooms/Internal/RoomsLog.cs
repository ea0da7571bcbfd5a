using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The Rooms module's log messages (event ids 1000-1099). Ids only: never a name, an e-mail or a token.</summary>
internal static partial class RoomsLog
{
    [LoggerMessage(1000, LogLevel.Information, "Participant {ParticipantId} joined appointment {AppointmentId} ({State})")]
    public static partial void Joined(ILogger logger, Guid appointmentId, string participantId, string state);

    [LoggerMessage(1001, LogLevel.Information, "Participant {ParticipantId} admitted to appointment {AppointmentId}")]
    public static partial void Admitted(ILogger logger, Guid appointmentId, string participantId);

    [LoggerMessage(1002, LogLevel.Information, "Guest {ParticipantId} invited to appointment {AppointmentId}")]
    public static partial void Invited(ILogger logger, Guid appointmentId, string participantId);

    [LoggerMessage(1003, LogLevel.Information, "Participant {ParticipantId} left appointment {AppointmentId} ({Reason})")]
    public static partial void Left(ILogger logger, Guid appointmentId, string participantId, DepartureReason reason);

    [LoggerMessage(1004, LogLevel.Information, "Consultation {AppointmentId} ended ({Reason})")]
    public static partial void Ended(ILogger logger, Guid appointmentId, EndReason reason);

    [LoggerMessage(1005, LogLevel.Information, "{Count} participants of the previous run get the reconnect grace period")]
    public static partial void ReconnectAfterRestart(ILogger logger, int count);

    [LoggerMessage(1007, LogLevel.Information, "{Count} live-media intervals of the previous run ended at their last relayed packet")]
    public static partial void MediaClosedAfterRestart(ILogger logger, int count);

    [LoggerMessage(1006, LogLevel.Warning, "The consultation supervisor's sweep failed; it will retry")]
    public static partial void SweepFailed(ILogger logger, Exception error);
}

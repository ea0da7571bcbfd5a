using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Log messages of the media plane (event ids 3000-3099). Ids only: never SDP, names or addresses of patients.</summary>
internal static partial class MediaPlaneLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Media plane listening on UDP {Port} (advertised {Address})")]
    public static partial void Listening(ILogger logger, int port, string address);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Media session created for room {RoomId} participant {ParticipantId}")]
    public static partial void SessionCreated(ILogger logger, string roomId, string participantId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Media session closed for room {RoomId} participant {ParticipantId}: {Reason}")]
    public static partial void SessionClosed(ILogger logger, string roomId, string participantId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "DTLS connected for room {RoomId} participant {ParticipantId} ({Profile})")]
    public static partial void DtlsConnected(ILogger logger, string roomId, string participantId, string profile);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "DTLS failed for room {RoomId} participant {ParticipantId}: {Reason}")]
    public static partial void DtlsFailed(ILogger logger, string roomId, string participantId, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Consent lapsed for room {RoomId} participant {ParticipantId}")]
    public static partial void ConsentLapsed(ILogger logger, string roomId, string participantId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Media callback {Kind} failed for room {RoomId} participant {ParticipantId}")]
    public static partial void CallbackFailed(ILogger logger, string kind, string roomId, string participantId, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Server offer sent to room {RoomId} participant {ParticipantId} with {Tracks} forwarded tracks")]
    public static partial void OfferSent(ILogger logger, string roomId, string participantId, int tracks);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Media receive loop stopped unexpectedly")]
    public static partial void LoopFailed(ILogger logger, Exception exception);
}

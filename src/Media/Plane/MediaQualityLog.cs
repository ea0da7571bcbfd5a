using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Log messages of audio only and the quality indicator (ids only), event ids 3100–3199.</summary>
internal static partial class MediaQualityLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Audio only {AudioOnly} chosen by room {RoomId} participant {ParticipantId}")]
    public static partial void AudioOnlyChosen(ILogger logger, bool audioOnly, string roomId, string participantId);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Video to room {RoomId} participant {ParticipantId} paused: {Reason}")]
    public static partial void VideoPaused(ILogger logger, string roomId, string participantId, VideoPauseReason reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Video to room {RoomId} participant {ParticipantId} resumed")]
    public static partial void VideoResumed(ILogger logger, string roomId, string participantId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Connection quality of room {RoomId} participant {ParticipantId}: {Quality}")]
    public static partial void QualityChanged(ILogger logger, string roomId, string participantId, ConnectionQualityLevel quality);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Uplink of room {RoomId} participant {ParticipantId} queues at {RateKbps} kbps: audio only")]
    public static partial void UplinkWeak(ILogger logger, string roomId, string participantId, long rateKbps);
}

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Whether one subscriber gets video (issue 12, "audio-only fallback"): video pauses when the estimate has
/// stayed under <c>pauseBelowBps</c> (150 kbps) for <c>pauseAfterMicros</c>, and resumes when it has stayed at or
/// above <c>resumeAboveBps</c> (a higher bar: hysteresis) for <c>resumeAfterMicros</c>. Either side may also ask for
/// audio only by hand, which pauses video whatever the estimate says. A weak uplink (<see cref="OnUplinkWeak"/>, from
/// <see cref="UplinkBacklogDetector"/>) pauses at once, and no resume comes before <see cref="UplinkHoldMicros"/> after
/// the last such reading. Pure logic; the caller passes microseconds and turns a change into a hub event.</summary>
internal sealed class AudioOnlyDecision
{
    private readonly long _pauseBelowBps;
    private readonly long _pauseAfterMicros;
    private readonly long _resumeAboveBps;
    private readonly long _resumeAfterMicros;
    private long _conditionSinceMicros = long.MinValue;
    private long _uplinkHeldUntilMicros = long.MinValue;

    /// <summary>How long a weak uplink keeps the pause from ending. Once its page stops sending video the uplink carries
    /// only the sound and shows nothing more, so the hold is by time: a link still weak when the video comes back is
    /// caught again within a few hundred milliseconds.</summary>
    internal const long UplinkHoldMicros = 8_000_000;

    public AudioOnlyDecision(long pauseBelowBps = 150_000, long pauseAfterMicros = 2_000_000, long resumeAboveBps = 250_000, long resumeAfterMicros = 4_000_000)
    {
        if (resumeAboveBps < pauseBelowBps)
        {
            throw new ArgumentException("The resume threshold is at least the pause threshold.", nameof(resumeAboveBps));
        }

        _pauseBelowBps = pauseBelowBps;
        _pauseAfterMicros = pauseAfterMicros;
        _resumeAboveBps = resumeAboveBps;
        _resumeAfterMicros = resumeAfterMicros;
    }

    /// <summary>Paused because of the estimate.</summary>
    public bool PausedForBandwidth { get; private set; }

    /// <summary>Audio only chosen by hand (by either participant).</summary>
    public bool ManualAudioOnly { get; private set; }

    public bool VideoPaused => PausedForBandwidth || ManualAudioOnly;

    /// <summary>Returns true when <see cref="VideoPaused"/> changed.</summary>
    public bool SetManualAudioOnly(bool audioOnly)
    {
        bool before = VideoPaused;
        ManualAudioOnly = audioOnly;
        return before != VideoPaused;
    }

    /// <summary>The participant's uplink was found too weak for video: pauses at once (for bandwidth) and holds the pause
    /// for <see cref="UplinkHoldMicros"/>; returns true when <see cref="VideoPaused"/> changed.</summary>
    public bool OnUplinkWeak(long nowMicros)
    {
        bool before = VideoPaused;
        PausedForBandwidth = true;
        _conditionSinceMicros = long.MinValue;
        _uplinkHeldUntilMicros = nowMicros + UplinkHoldMicros;
        return before != VideoPaused;
    }

    /// <summary>Feeds an estimate; returns true when <see cref="VideoPaused"/> changed.</summary>
    public bool OnEstimate(long estimateBps, long nowMicros)
    {
        bool before = VideoPaused;
        if (PausedForBandwidth && nowMicros < _uplinkHeldUntilMicros)
        {
            _conditionSinceMicros = long.MinValue;
            return false;
        }

        bool towardsChange = PausedForBandwidth ? estimateBps >= _resumeAboveBps : estimateBps < _pauseBelowBps;
        if (!towardsChange)
        {
            _conditionSinceMicros = long.MinValue;
            return false;
        }

        if (_conditionSinceMicros == long.MinValue)
        {
            _conditionSinceMicros = nowMicros;
        }

        long needed = PausedForBandwidth ? _resumeAfterMicros : _pauseAfterMicros;
        if (nowMicros - _conditionSinceMicros >= needed)
        {
            PausedForBandwidth = !PausedForBandwidth;
            _conditionSinceMicros = long.MinValue;
        }

        return before != VideoPaused;
    }
}

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Whether one subscriber gets video (issue 12, "audio-only fallback"): video pauses when the estimate has
/// stayed under <c>pauseBelowBps</c> (150 kbps) for <c>pauseAfterMicros</c>, and resumes when it has stayed at or
/// above <c>resumeAboveBps</c> (a higher bar: hysteresis) for <c>resumeAfterMicros</c>. Either side may also ask for
/// audio only by hand, which pauses video whatever the estimate says. Pure logic; the caller passes microseconds and
/// turns a change into a hub event.</summary>
internal sealed class AudioOnlyDecision
{
    private readonly long _pauseBelowBps;
    private readonly long _pauseAfterMicros;
    private readonly long _resumeAboveBps;
    private readonly long _resumeAfterMicros;
    private long _conditionSinceMicros = long.MinValue;

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

    /// <summary>Feeds an estimate; returns true when <see cref="VideoPaused"/> changed.</summary>
    public bool OnEstimate(long estimateBps, long nowMicros)
    {
        bool before = VideoPaused;
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

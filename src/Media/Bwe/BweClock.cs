namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The Bwe components take explicit microsecond times; this turns an injected <see cref="TimeProvider"/>'s
/// monotonic timestamp into them, so the plane (and FakeTimeProvider in tests) drives every piece from one clock.</summary>
internal static class BweClock
{
    public static long Micros(TimeProvider time) => ToMicros(time.GetTimestamp(), time.TimestampFrequency);

    public static long ToMicros(long timestamp, long frequency) =>
        frequency == 1_000_000 ? timestamp
        : frequency % 1_000_000 == 0 ? timestamp / (frequency / 1_000_000) // Stopwatch on Linux: 1 GHz, one division per packet
        : (long)((Int128)timestamp * 1_000_000 / frequency);
}

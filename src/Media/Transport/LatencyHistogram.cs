namespace Doctolib.Telehealth.Media.Transport;

/// <summary>A fixed histogram of latencies in 5 µs buckets up to 200 ms (last bucket open-ended). Recording does not
/// allocate; written by one thread, read after the measurement.</summary>
internal sealed class LatencyHistogram
{
    private const int BucketMicroseconds = 5;
    private const int Buckets = 40_000;
    private readonly long[] _counts = new long[Buckets + 1];
    private long _total;

    public long Count => Volatile.Read(ref _total);

    public void Record(long microseconds)
    {
        long bucket = Math.Clamp(microseconds / BucketMicroseconds, 0, Buckets);
        _counts[bucket]++;
        _total++;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        _total = 0;
    }

    /// <summary>The upper edge (µs) of the bucket holding the given quantile.</summary>
    public long Percentile(double quantile)
    {
        long target = (long)Math.Ceiling(quantile * _total);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target && seen > 0)
            {
                return (i + 1) * BucketMicroseconds;
            }
        }

        return 0;
    }
}

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Measures what a probe cluster got through, by packet-train dispersion (the idea behind packet-pair and
/// packet-train capacity estimation: a train sent faster than the bottleneck arrives spread at the bottleneck's rate).
/// Per cluster it takes the send rate (bytes but the last sent over the send span) and the receive rate (bytes but the
/// first arrived over the arrival span, receiver clock). A train that arrives at under 90 % of its send rate met a
/// bottleneck: the result is 95 % of the receive rate; otherwise the smaller of the two. A result needs at least
/// <c>minPackets</c> received packets spanning at least 1 ms each way. Fixed slots, no allocation.</summary>
internal sealed class ProbeBitrateEstimator
{
    private const int Slots = 8;
    private const long MinSpanMicros = 1_000;

    private readonly Cluster[] _clusters = new Cluster[Slots];
    private readonly int _minPackets;

    public ProbeBitrateEstimator(int minPackets = 5)
    {
        _minPackets = minPackets;
        for (int i = 0; i < Slots; i++)
        {
            _clusters[i].Id = -1;
        }
    }

    /// <summary>Adds a received probe packet; true with a rate once the cluster has enough packets.</summary>
    public bool TryAdd(int cluster, long sendMicros, long arrivalMicros, int sizeBytes, out long rateBps)
    {
        rateBps = 0;
        ref Cluster c = ref _clusters[cluster % Slots];
        if (c.Id != cluster)
        {
            c = new Cluster
            {
                Id = cluster,
                FirstSend = sendMicros,
                LastSend = sendMicros,
                FirstArrival = arrivalMicros,
                LastArrival = arrivalMicros,
                LastSentSize = sizeBytes,
                FirstArrivedSize = sizeBytes,
            };
        }
        else
        {
            if (sendMicros < c.FirstSend)
            {
                c.FirstSend = sendMicros;
            }

            if (sendMicros >= c.LastSend)
            {
                c.LastSend = sendMicros;
                c.LastSentSize = sizeBytes;
            }

            if (arrivalMicros < c.FirstArrival)
            {
                c.FirstArrival = arrivalMicros;
                c.FirstArrivedSize = sizeBytes;
            }

            if (arrivalMicros > c.LastArrival)
            {
                c.LastArrival = arrivalMicros;
            }
        }

        c.Count++;
        c.Bytes += sizeBytes;
        long sendSpan = c.LastSend - c.FirstSend;
        long arrivalSpan = c.LastArrival - c.FirstArrival;
        if (c.Count < _minPackets || sendSpan < MinSpanMicros || arrivalSpan < MinSpanMicros)
        {
            return false;
        }

        long sendRate = (c.Bytes - c.LastSentSize) * 8 * 1_000_000 / sendSpan;
        long receiveRate = (c.Bytes - c.FirstArrivedSize) * 8 * 1_000_000 / arrivalSpan;
        rateBps = receiveRate < sendRate * 0.9 ? (long)(receiveRate * 0.95) : Math.Min(sendRate, receiveRate);
        return true;
    }

    private struct Cluster
    {
        public int Id;
        public int Count;
        public long Bytes;
        public long FirstSend;
        public long LastSend;
        public long FirstArrival;
        public long LastArrival;
        public int LastSentSize;
        public int FirstArrivedSize;
    }
}

using System.Diagnostics;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>What a test peer received on one SSRC: packets, bytes, keyframes, duplicates, and one-way latency
/// samples (microseconds) taken from the send time inside each payload.</summary>
internal sealed class ReceivedStream(uint ssrc)
{
    private readonly Lock _gate = new();
    private readonly List<int> _latencies = new(4096);
    private long _packets;
    private long _bytes;
    private long _keyframes;
    private int _highestSequence = -1;

    public uint Ssrc { get; } = ssrc;

    public long Packets => Interlocked.Read(ref _packets);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Keyframes => Interlocked.Read(ref _keyframes);

    public int PayloadType { get; private set; }

    public int HighestSequence => Volatile.Read(ref _highestSequence);

    /// <summary>Sequence numbers the peer deliberately discarded and then saw again (a retransmission).</summary>
    public long Recovered { get; private set; }

    internal void OnPacket(int payloadType, ushort sequence, int bytes, bool keyframe, long sendTimestamp, bool recovered)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _bytes, bytes);
        if (keyframe)
        {
            Interlocked.Increment(ref _keyframes);
        }

        lock (_gate)
        {
            PayloadType = payloadType;
            _highestSequence = sequence;
            if (recovered)
            {
                Recovered++;
            }

            if (sendTimestamp > 0 && _latencies.Count < 200_000)
            {
                _latencies.Add((int)Math.Min(int.MaxValue, (now - sendTimestamp) * 1_000_000 / Stopwatch.Frequency));
            }
        }
    }

    /// <summary>A copy of the latency samples in microseconds.</summary>
    public int[] LatencySamples()
    {
        lock (_gate)
        {
            return _latencies.ToArray();
        }
    }
}

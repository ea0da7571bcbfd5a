namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>What the sender stamped (draft-holmer-rmcat-transport-wide-cc-extensions-01 §1: the feedback names
/// packets only by transport-wide sequence number): send time and size per sequence number, in a ring of the most
/// recent <c>capacity</c> packets, plus whether feedback already reported each one lost or received, so a packet
/// reported twice (a receiver re-reports after reordering) counts once. Allocation-free; not thread-safe.</summary>
internal sealed class SendHistory
{
    private const long Empty = long.MinValue;

    private readonly long[] _sequences;
    private readonly long[] _sendMicros;
    private readonly int[] _sizes;
    private readonly byte[] _states;
    private readonly int[] _clusters;
    private readonly int[] _estimatesKbps;
    private readonly int _mask;
    private SequenceUnwrapper _unwrapper;

    public SendHistory(int capacity = 8192)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity is a power of two of at least 16.");
        }

        _sequences = new long[capacity];
        _sendMicros = new long[capacity];
        _sizes = new int[capacity];
        _states = new byte[capacity];
        _clusters = new int[capacity];
        _estimatesKbps = new int[capacity];
        _mask = capacity - 1;
        Array.Fill(_sequences, Empty);
    }

    /// <param name="probeCluster">The probe cluster the packet belongs to, or -1 for media.</param>
    /// <param name="estimateBps">The sender's estimate when the packet left (0 when not known).</param>
    public void OnSent(ushort transportSequence, long sendMicros, int sizeBytes, int probeCluster = -1, long estimateBps = 0)
    {
        long sequence = _unwrapper.Unwrap(transportSequence);
        int slot = (int)(sequence & _mask);
        _sequences[slot] = sequence;
        _sendMicros[slot] = sendMicros;
        _sizes[slot] = sizeBytes;
        _states[slot] = (byte)FeedbackState.Unreported;
        _clusters[slot] = probeCluster;
        _estimatesKbps[slot] = (int)Math.Min(int.MaxValue, estimateBps / 1000);
    }

    /// <summary>Looks a reported sequence number up (16-bit, unwrapped against the latest one sent) and records the
    /// new report. False when the packet is unknown (never sent, or too old).</summary>
    public bool TryReport(ushort transportSequence, bool received, out SentPacket packet, out FeedbackState previous)
    {
        packet = default;
        previous = FeedbackState.Unreported;
        if (!_unwrapper.HasStarted)
        {
            return false;
        }

        long sequence = _unwrapper.Peek(transportSequence);
        int slot = (int)(sequence & _mask);
        if (_sequences[slot] != sequence)
        {
            return false;
        }

        previous = (FeedbackState)_states[slot];
        if (received)
        {
            _states[slot] = (byte)FeedbackState.Received;
        }
        else if (previous == FeedbackState.Unreported)
        {
            _states[slot] = (byte)FeedbackState.Lost;
        }

        packet = new SentPacket(sequence, _sendMicros[slot], _sizes[slot], _clusters[slot], _estimatesKbps[slot] * 1000L);
        return true;
    }
}

/// <summary>A packet from <see cref="SendHistory"/>: unwrapped transport sequence, send time, size, probe cluster (-1: media),
/// the sender's estimate when it left.</summary>
internal readonly record struct SentPacket(long Sequence, long SendMicros, int SizeBytes, int ProbeCluster, long EstimateAtSendBps = 0);

internal enum FeedbackState : byte
{
    Unreported = 0,
    Lost = 1,
    Received = 2,
}

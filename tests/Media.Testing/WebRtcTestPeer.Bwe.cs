using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>The test peer's transport-cc and RTX, as a browser does them: it stamps a transport-wide sequence number on
/// every packet it sends and records which ones the server's transport feedback acknowledges; as a receiver it reports
/// what arrives in its own transport feedback (optionally with a queuing delay that grows, as behind a bottleneck); it
/// answers the server's NACKs for its video on its RTX stream and counts what the server resends to it on the server's.</summary>
internal sealed partial class WebRtcTestPeer
{
    private const int VideoHistory = 256;
    private const int VideoHistorySlotBytes = 1280;
    private readonly ConcurrentDictionary<uint, uint> _serverRtx = new();
    private readonly ConcurrentQueue<(uint RtxSsrc, uint MediaSsrc, ushort OriginalSequence)> _rtxReceived = new();
    private readonly ConcurrentQueue<(uint MediaSsrc, ushort Sequence)> _nacked = new();
    private readonly bool[] _acknowledged = new bool[65536];
    private readonly byte[] _videoHistory = new byte[VideoHistory * VideoHistorySlotBytes];
    private readonly int[] _videoHistoryLengths = new int[VideoHistory];
    private readonly int[] _videoHistorySequences = CreateHistoryIndex();
    /// <summary>Chromium's default transport feedback interval.</summary>
    private const long FeedbackIntervalMicros = 100_000;

    private readonly Lock _feedbackGate = new();
    private readonly byte[] _feedback = new byte[1200];
    private TransportFeedbackBuilder? _feedbackBuilder;
    private int _transportSequence;
    private int _acknowledgedCount;
    private long _transportFeedbacks;
    private ushort _rtxSequence;
    private bool _skipNextVideo;
    private long _delayGrowthStartMicros;
    private double _delayGrowth;

    /// <summary>Transport-wide sequence numbers sent so far (they run from 0).</summary>
    public int TransportSequencesSent => Volatile.Read(ref _transportSequence);

    /// <summary>Distinct transport-wide sequence numbers the server's feedback reported received.</summary>
    public int TransportSequencesAcknowledged => Volatile.Read(ref _acknowledgedCount);

    public long TransportFeedbacksReceived => Interlocked.Read(ref _transportFeedbacks);

    public bool WasAcknowledged(ushort transportSequence) => Volatile.Read(ref _acknowledged[transportSequence]);

    /// <summary>Every retransmission the server sent us on its RTX streams: the RTX SSRC, the media SSRC its FID pairs
    /// it with, and the original sequence number inside.</summary>
    public IReadOnlyCollection<(uint RtxSsrc, uint MediaSsrc, ushort OriginalSequence)> RtxReceived => _rtxReceived.ToArray();

    /// <summary>Every sequence number the server's NACKs asked us for.</summary>
    public IReadOnlyCollection<(uint MediaSsrc, ushort Sequence)> Nacked => _nacked.ToArray();

    /// <summary>The server's RTX SSRC for a track it sends us (from its offer's a=ssrc-group:FID), or null.</summary>
    public uint? ServerRtxSsrcFor(uint mediaSsrc)
    {
        foreach ((uint rtx, uint media) in _serverRtx)
        {
            if (media == mediaSsrc)
            {
                return rtx;
            }
        }

        return null;
    }

    /// <summary>The next video packet is numbered but not sent (a loss on the way to the server); it stays in the
    /// history, so a NACK gets it on RTX.</summary>
    public void SkipNextVideoPacket() => Volatile.Write(ref _skipNextVideo, true);

    /// <summary>From now on our transport feedback reports arrivals later and later: each arrival is delayed by
    /// <paramref name="growth"/> times the time elapsed since this call, as behind a queue that keeps filling.</summary>
    public void StartGrowingDelay(double growth)
    {
        _delayGrowthStartMicros = NowMicros();
        Volatile.Write(ref _delayGrowth, growth);
    }

    /// <summary>Sends <paramref name="count"/> padding-only probes on our RTX stream (RFC 4588 §4, RFC 3550 padding),
    /// each with the next transport-wide sequence number, as a browser does to probe its uplink.</summary>
    public void SendPaddingProbes(int count, int paddingBytes = 200)
    {
        SrtpSession? srtp = Volatile.Read(ref _srtp);
        if (srtp is null || Identity.RtxPayloadType == 0 || Identity.TransportWideCcId is < 1 or > 14)
        {
            return;
        }

        lock (_sendGate)
        {
            for (int i = 0; i < count; i++)
            {
                int length = PaddingProbe.Write(_sendBuffer, Identity.RtxSsrc, _rtxSequence++, (byte)Identity.RtxPayloadType, _videoTimestamp,
                    Identity.TransportWideCcId, NextTransportSequence(), paddingBytes);
                ProtectAndSend(srtp, length);
                PaddingProbesSent++;
            }
        }
    }

    public long PaddingProbesSent { get; private set; }

    private static int[] CreateHistoryIndex()
    {
        int[] index = new int[VideoHistory];
        Array.Fill(index, -1);
        return index;
    }

    private ushort NextTransportSequence() => (ushort)(Interlocked.Increment(ref _transportSequence) - 1);

    private static long NowMicros() => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency;

    /// <summary>Keeps a sent video packet (plaintext) for an RTX answer, in one array allocated with the peer (a
    /// hundred peers of the bench would otherwise fill the heap with small buffers). Caller holds the send lock.</summary>
    private void RememberVideo(ushort sequence, ReadOnlySpan<byte> packet)
    {
        int slot = sequence % VideoHistory;
        if (packet.Length > VideoHistorySlotBytes)
        {
            return;
        }

        packet.CopyTo(_videoHistory.AsSpan(slot * VideoHistorySlotBytes));
        _videoHistoryLengths[slot] = packet.Length;
        _videoHistorySequences[slot] = sequence;
    }

    /// <summary>True (and clears the flag) when the packet about to be sent must be skipped. Caller holds the send lock.</summary>
    private bool TakeSkip()
    {
        if (!_skipNextVideo)
        {
            return false;
        }

        _skipNextVideo = false;
        return true;
    }

    /// <summary>Answers the server's NACK for our video on our RTX stream (or plainly without RTX).</summary>
    private void AnswerNack(in RtcpGenericNack nack)
    {
        foreach (ushort sequence in nack)
        {
            _nacked.Enqueue((nack.MediaSsrc, sequence));
        }

        SrtpSession? srtp = Volatile.Read(ref _srtp);
        if (!_options.AnswerNacks || srtp is null || nack.MediaSsrc != VideoSsrc)
        {
            return;
        }

        lock (_sendGate)
        {
            foreach (ushort sequence in nack)
            {
                int slot = sequence % VideoHistory;
                if (_videoHistorySequences[slot] != sequence)
                {
                    continue;
                }

                ReadOnlySpan<byte> original = _videoHistory.AsSpan(slot * VideoHistorySlotBytes, _videoHistoryLengths[slot]);
                int length;
                if (Identity.RtxPayloadType != 0)
                {
                    if (!RtxPacket.TryWrap(original, _sendBuffer, Identity.RtxSsrc, _rtxSequence++, (byte)Identity.RtxPayloadType, out length))
                    {
                        continue;
                    }
                }
                else
                {
                    original.CopyTo(_sendBuffer);
                    length = original.Length;
                }

                RestampTransportSequence(length);
                ProtectAndSend(srtp, length);
                RetransmissionsSent++;
            }
        }
    }

    public long RetransmissionsSent { get; private set; }

    /// <summary>A resent packet gets a new transport-wide sequence number, as every packet on the wire does.</summary>
    private void RestampTransportSequence(int length)
    {
        if (Identity.TransportWideCcId != 0 && RtpHeader.TryParse(_sendBuffer.AsSpan(0, length), out RtpHeader header))
        {
            TransportWideSequence.TryOverwrite(_sendBuffer.AsSpan(0, length), header, Identity.TransportWideCcId, NextTransportSequence());
        }
    }

    /// <summary>The server's transport feedback about what we sent: marks each received sequence number.</summary>
    private void OnTransportFeedback(ReadOnlySpan<byte> packet)
    {
        if (!TransportFeedbackReader.TryParse(packet, out TransportFeedbackReader feedback))
        {
            return;
        }

        Interlocked.Increment(ref _transportFeedbacks);
        foreach (TransportPacketStatus status in feedback)
        {
            if (status.Received && !Volatile.Read(ref _acknowledged[status.Sequence]))
            {
                Volatile.Write(ref _acknowledged[status.Sequence], true);
                Interlocked.Increment(ref _acknowledgedCount);
            }
        }
    }

    /// <summary>Reports a packet the server sent us in our transport feedback (receive loop only).</summary>
    private void OnTransportSequence(ReadOnlySpan<byte> plain, in RtpHeader header)
    {
        if (Identity.TransportWideCcId == 0
            || !TransportWideSequence.TryRead(plain, header, Identity.TransportWideCcId, out ushort sequence))
        {
            return;
        }

        long now = NowMicros();
        double growth = Volatile.Read(ref _delayGrowth);
        long arrival = growth > 0 ? now + (long)((now - _delayGrowthStartMicros) * growth) : now;
        lock (_feedbackGate)
        {
            TransportFeedbackBuilder builder = _feedbackBuilder ??= new TransportFeedbackBuilder(VideoSsrc, intervalMicros: FeedbackIntervalMicros);
            builder.OnPacket(sequence, arrival, header.Ssrc);
            SendFeedbackIfDueLocked(builder, arrival);
        }
    }

    /// <summary>The feedback timer (every <see cref="FeedbackIntervalMicros"/>): reports what arrived since the last
    /// feedback even when nothing arrives after it, as Chromium's periodic feedback does. Without it the last packets of
    /// a burst stay unreported until the next burst, and the server, seeing its packets unanswered for a second, holds
    /// the video back (<see cref="SubscriberBandwidth.IsFeedbackMissing"/>).</summary>
    private void FlushTransportFeedback()
    {
        lock (_feedbackGate)
        {
            if (_feedbackBuilder is { } builder)
            {
                SendFeedbackIfDueLocked(builder, NowMicros());
            }
        }
    }

    private void SendFeedbackIfDueLocked(TransportFeedbackBuilder builder, long nowMicros)
    {
        if (!builder.IsDue(nowMicros))
        {
            return;
        }

        int length = builder.WriteFeedback(nowMicros, _feedback);
        if (length > 0)
        {
            SendRtcp(_feedback.AsSpan(0, length));
        }
    }

    /// <summary>A retransmission on one of the server's RTX streams: records it and unwraps the original sequence number.</summary>
    private bool TryReadServerRtx(ReadOnlySpan<byte> plain, in RtpHeader header, out uint mediaSsrc, out ushort originalSequence)
    {
        originalSequence = 0;
        if (!_serverRtx.TryGetValue(header.Ssrc, out mediaSsrc) || header.PayloadLength < RtxPacket.OsnLength)
        {
            return false;
        }

        originalSequence = BinaryPrimitives.ReadUInt16BigEndian(plain[header.HeaderLength..]);
        _rtxReceived.Enqueue((header.Ssrc, mediaSsrc, originalSequence));
        return true;
    }
}

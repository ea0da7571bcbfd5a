namespace Doctolib.Telehealth.Media.Transport;

/// <summary>Process-wide counters of the media plane. Updated on the hot path with interlocked increments,
/// read by tests, the benchmark and metrics.</summary>
internal sealed class MediaCounters
{
    private long _datagramsReceived;
    private long _bytesReceived;
    private long _droppedMalformed;
    private long _droppedUnknownSource;
    private long _stunAnswered;
    private long _stunRejected;
    private long _dtlsRecords;
    private long _rtpReceived;
    private long _rtpForwarded;
    private long _rtpDropped;
    private long _srtpFailures;
    private long _rtcpReceived;
    private long _nacksReceived;
    private long _retransmissions;
    private long _keyframeRequestsForwarded;
    private long _sendErrors;

    public long DatagramsReceived => Volatile.Read(ref _datagramsReceived);
    public long BytesReceived => Volatile.Read(ref _bytesReceived);
    public long DroppedMalformed => Volatile.Read(ref _droppedMalformed);
    public long DroppedUnknownSource => Volatile.Read(ref _droppedUnknownSource);
    public long StunAnswered => Volatile.Read(ref _stunAnswered);
    public long StunRejected => Volatile.Read(ref _stunRejected);
    public long DtlsRecords => Volatile.Read(ref _dtlsRecords);
    public long RtpReceived => Volatile.Read(ref _rtpReceived);
    public long RtpForwarded => Volatile.Read(ref _rtpForwarded);
    public long RtpDropped => Volatile.Read(ref _rtpDropped);
    public long SrtpFailures => Volatile.Read(ref _srtpFailures);
    public long RtcpReceived => Volatile.Read(ref _rtcpReceived);
    public long NacksReceived => Volatile.Read(ref _nacksReceived);
    public long Retransmissions => Volatile.Read(ref _retransmissions);
    public long KeyframeRequestsForwarded => Volatile.Read(ref _keyframeRequestsForwarded);
    public long SendErrors => Volatile.Read(ref _sendErrors);

    public void Received(int bytes)
    {
        Interlocked.Increment(ref _datagramsReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    public void Malformed() => Interlocked.Increment(ref _droppedMalformed);
    public void UnknownSource() => Interlocked.Increment(ref _droppedUnknownSource);
    public void StunAnsweredOne() => Interlocked.Increment(ref _stunAnswered);
    public void StunRejectedOne() => Interlocked.Increment(ref _stunRejected);
    public void DtlsRecord() => Interlocked.Increment(ref _dtlsRecords);
    public void RtpReceivedOne() => Interlocked.Increment(ref _rtpReceived);
    public void RtpForwardedOne() => Interlocked.Increment(ref _rtpForwarded);
    public void RtpDroppedOne() => Interlocked.Increment(ref _rtpDropped);
    public void SrtpFailure() => Interlocked.Increment(ref _srtpFailures);
    public void RtcpReceivedOne() => Interlocked.Increment(ref _rtcpReceived);
    public void NackReceived() => Interlocked.Increment(ref _nacksReceived);
    public void Retransmitted() => Interlocked.Increment(ref _retransmissions);
    public void KeyframeRequestForwarded() => Interlocked.Increment(ref _keyframeRequestsForwarded);
    public void SendError() => Interlocked.Increment(ref _sendErrors);
}

using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>One SRTP/SRTCP association (one DTLS-SRTP handshake): protects what we send with the local keys and
/// unprotects what we receive with the remote keys, keeping per-SSRC rollover counters and replay windows.
/// Thread-safe: each direction is serialized by its own lock. No allocation per packet. After
/// <see cref="Dispose"/>, protect returns false and unprotect returns <see cref="SrtpUnprotectResult.Closed"/>.
/// <para>Output may be the same memory as the input (same start) for in-place processing.</para></summary>
internal sealed partial class SrtpSession : IDisposable
{
    /// <summary>At most this many SSRCs are tracked per direction; state for more is refused, not grown.</summary>
    internal const int MaxStreams = 512;

    private readonly ISrtpTransform _outbound;
    private readonly ISrtpTransform _inbound;

    // A transform's overheads never change: kept here, so each packet does not ask for them through the interface.
    private readonly int _outboundRtpOverhead;
    private readonly int _inboundRtpOverhead;
    private readonly Dictionary<uint, SrtpStreamState> _sent = new();
    private readonly Dictionary<uint, SrtpStreamState> _received = new();
    private readonly Lock _sendLock = new();
    private readonly Lock _receiveLock = new();
    private bool _disposed;

    public SrtpSession(SrtpKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Profile = keys.Profile;
        _outbound = CreateTransform(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
        _inbound = CreateTransform(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
        _outboundRtpOverhead = _outbound.RtpOverhead;
        _inboundRtpOverhead = _inbound.RtpOverhead;
    }

    internal SrtpSession(SrtpProfile profile, ISrtpTransform outbound, ISrtpTransform inbound)
    {
        Profile = profile;
        _outbound = outbound;
        _inbound = inbound;
        _outboundRtpOverhead = outbound.RtpOverhead;
        _inboundRtpOverhead = inbound.RtpOverhead;
    }

    public SrtpProfile Profile { get; }

    /// <summary>Bytes an SRTP packet adds to its RTP packet (10 or 16).</summary>
    public int RtpOverhead => _outboundRtpOverhead;

    /// <summary>Bytes an SRTCP packet adds to its RTCP packet (14 or 20).</summary>
    public int RtcpOverhead => _outbound.RtcpOverhead;

    /// <summary>Encrypts and authenticates one RTP packet. False when the input is not RTP version 2 with a
    /// complete header, or when <paramref name="output"/> is shorter than plain.Length + RtpOverhead.</summary>
    public bool TryProtectRtp(ReadOnlySpan<byte> plain, Span<byte> output, out int written)
    {
        written = 0;
        if (!RtpHeader.TryGetLength(plain, out int headerLength)
            || output.Length < plain.Length + _outboundRtpOverhead)
        {
            return false;
        }

        uint ssrc = RtpHeader.ReadSsrc(plain);
        ushort sequence = RtpHeader.ReadSequenceNumber(plain);
        lock (_sendLock)
        {
            SrtpStreamState? state = _disposed ? null : GetOrAdd(_sent, ssrc);
            if (state is null)
            {
                return false;
            }

            ulong index = SrtpIndexEstimator.Estimate(state.Rtp.HasAny, state.Rtp.Highest, sequence);
            written = _outbound.ProtectRtp(plain, headerLength, ssrc, index, output);
            state.Rtp.Accept(index);
            return true;
        }
    }

    /// <summary>Authenticates and decrypts one SRTP packet into <paramref name="output"/> (at least
    /// packet.Length - RtpOverhead bytes). Never throws for bad input; the result says why a packet is dropped.</summary>
    public SrtpUnprotectResult TryUnprotectRtp(ReadOnlySpan<byte> packet, Span<byte> output, out int written)
    {
        written = 0;
        int overhead = _inboundRtpOverhead;
        if (packet.Length < overhead || !RtpHeader.TryGetLength(packet[..^overhead], out int headerLength)
            || output.Length < packet.Length - overhead)
        {
            return SrtpUnprotectResult.Malformed;
        }

        uint ssrc = RtpHeader.ReadSsrc(packet);
        ushort sequence = RtpHeader.ReadSequenceNumber(packet);
        lock (_receiveLock)
        {
            if (_disposed)
            {
                return SrtpUnprotectResult.Closed;
            }

            _received.TryGetValue(ssrc, out SrtpStreamState? state);
            bool hasAny = state is not null && state.Rtp.HasAny;
            ulong index = SrtpIndexEstimator.Estimate(hasAny, hasAny ? state!.Rtp.Highest : 0, sequence);
            if (hasAny && !state!.Rtp.IsFresh(index))
            {
                return SrtpUnprotectResult.Replayed;
            }

            SrtpUnprotectResult result = _inbound.UnprotectRtp(packet, headerLength, ssrc, index, output, out written);
            if (result != SrtpUnprotectResult.Ok)
            {
                return result;
            }

            state ??= GetOrAdd(_received, ssrc);
            state?.Rtp.Accept(index);
            return SrtpUnprotectResult.Ok;
        }
    }

    /// <summary>The rollover counter last used or accepted for an SSRC, for diagnostics and tests.</summary>
    internal (uint SendRoc, uint ReceiveRoc) RolloverCounters(uint ssrc)
    {
        uint send;
        uint receive;
        lock (_sendLock)
        {
            send = _sent.TryGetValue(ssrc, out SrtpStreamState? s) ? (uint)(s.Rtp.Highest >> 16) : 0;
        }

        lock (_receiveLock)
        {
            receive = _received.TryGetValue(ssrc, out SrtpStreamState? r) ? (uint)(r.Rtp.Highest >> 16) : 0;
        }

        return (send, receive);
    }

    private static SrtpStreamState? GetOrAdd(Dictionary<uint, SrtpStreamState> states, uint ssrc)
    {
        if (states.TryGetValue(ssrc, out SrtpStreamState? state))
        {
            return state;
        }

        if (states.Count >= MaxStreams)
        {
            return null;
        }

        state = new SrtpStreamState();
        states.Add(ssrc, state);
        return state;
    }

    private static ISrtpTransform CreateTransform(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 => new AesCmHmacTransform(masterKey, masterSalt),
            SrtpProfile.AeadAes128Gcm => new AesGcmTransform(masterKey, masterSalt),
            _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
        };

    public void Dispose()
    {
        lock (_sendLock)
        {
            lock (_receiveLock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _outbound.Dispose();
                _inbound.Dispose();
            }
        }
    }
}

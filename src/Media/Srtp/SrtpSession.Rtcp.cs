using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Srtp;

internal sealed partial class SrtpSession
{
    /// <summary>Encrypts and authenticates one (compound) RTCP packet, numbering it with the next SRTCP index of its
    /// sender SSRC and setting the E flag. <paramref name="output"/> needs plain.Length + RtcpOverhead bytes.</summary>
    public bool TryProtectRtcp(ReadOnlySpan<byte> plain, Span<byte> output, out int written)
    {
        written = 0;
        if (!RtcpHeader.HasSenderSsrc(plain) || output.Length < plain.Length + _outbound.RtcpOverhead)
        {
            return false;
        }

        uint ssrc = RtcpHeader.ReadSenderSsrc(plain);
        lock (_sendLock)
        {
            SrtpStreamState? state = _disposed ? null : GetOrAdd(_sent, ssrc);
            if (state is null)
            {
                return false;
            }

            uint index = state.NextRtcpIndex;
            state.NextRtcpIndex = (index + 1) & 0x7FFF_FFFFu;
            written = _outbound.ProtectRtcp(plain, ssrc, index, output);
            return true;
        }
    }

    /// <summary>Authenticates and decrypts one SRTCP packet into <paramref name="output"/> (at least
    /// packet.Length - RtcpOverhead bytes). Never throws for bad input.</summary>
    public SrtpUnprotectResult TryUnprotectRtcp(ReadOnlySpan<byte> packet, Span<byte> output, out int written)
    {
        written = 0;
        int overhead = _inbound.RtcpOverhead;
        if (packet.Length < overhead || !RtcpHeader.HasSenderSsrc(packet[..^overhead]) || output.Length < packet.Length - overhead)
        {
            return SrtpUnprotectResult.Malformed;
        }

        uint ssrc = RtcpHeader.ReadSenderSsrc(packet);
        uint word = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(packet.Length - _inbound.RtcpIndexOffsetFromEnd, 4));
        bool encrypted = (word & 0x8000_0000u) != 0;
        uint index = word & 0x7FFF_FFFFu;
        lock (_receiveLock)
        {
            if (_disposed)
            {
                return SrtpUnprotectResult.Closed;
            }

            _received.TryGetValue(ssrc, out SrtpStreamState? state);
            if (state is not null && !state.Rtcp.IsFresh(index))
            {
                return SrtpUnprotectResult.Replayed;
            }

            SrtpUnprotectResult result = _inbound.UnprotectRtcp(packet, ssrc, index, encrypted, output, out written);
            if (result != SrtpUnprotectResult.Ok)
            {
                return result;
            }

            state ??= GetOrAdd(_received, ssrc);
            state?.Rtcp.Accept(index);
            return SrtpUnprotectResult.Ok;
        }
    }
}

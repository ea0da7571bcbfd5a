using System.Text;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>The layers of one simulcast track (RFC 8853). The owner <see cref="PublishedTrack"/> is what subscribers
/// see: one SSRC of the server's, one down track each. Each layer is a <see cref="PublishedTrack"/> of its own (receive
/// statistics, NACKs, retransmission buffer, RTX and PLI toward the publisher on its own SSRC), bound when its first
/// packet names its rid in the RtpStreamId header extension (RFC 8852 §3.3; its RTX by the repaired one): browsers
/// do not signal simulcast SSRCs. Layers are ranked by the keyframe size they carry (VP8) or else by bitrate, since
/// rid order differs between browsers. Bound layers are copy-on-write so the receive loop reads them without a lock.</summary>
internal sealed class SimulcastGroup
{
    public const byte OtherCodec = 0;
    public const byte Vp8 = 1;
    public const byte H264 = 2;

    private readonly Lock _gate = new();
    private readonly string[] _rids;
    private readonly byte[] _codecs;
    private readonly IReadOnlyList<(int RtxPayloadType, int OriginalPayloadType)> _rtxPayloadTypes;
    private PublishedTrack?[] _layers;

    /// <param name="codecs">Per publisher payload type (0..127): <see cref="Vp8"/>, <see cref="H264"/> or
    /// <see cref="OtherCodec"/>.</param>
    public SimulcastGroup(PublishedTrack owner, IReadOnlyList<string> rids, int midExtensionId, int ridExtensionId, int repairedRidExtensionId,
        byte[] codecs, IReadOnlyList<(int RtxPayloadType, int OriginalPayloadType)> rtxPayloadTypes)
    {
        Owner = owner;
        _rids = [.. rids];
        _codecs = codecs;
        _rtxPayloadTypes = rtxPayloadTypes;
        _layers = new PublishedTrack?[_rids.Length];
        MidExtensionId = midExtensionId;
        RidExtensionId = ridExtensionId;
        RepairedRidExtensionId = repairedRidExtensionId;
    }

    public PublishedTrack Owner { get; }

    public IReadOnlyList<string> Rids => _rids;

    public int LayerCount => _rids.Length;

    public int MidExtensionId { get; }

    public int RidExtensionId { get; }

    public int RepairedRidExtensionId { get; }

    public PublishedTrack? Layer(int slot) => (uint)slot < (uint)_rids.Length ? Volatile.Read(ref _layers)[slot] : null;

    public PublishedTrack? FindLayer(uint ssrc)
    {
        PublishedTrack?[] layers = Volatile.Read(ref _layers);
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is { } layer && layer.Ssrc == ssrc)
            {
                return layer;
            }
        }

        return null;
    }

    public PublishedTrack? FindLayerByRtx(uint ssrc)
    {
        PublishedTrack?[] layers = Volatile.Read(ref _layers);
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is { } layer && layer.PublisherRtxSsrc == ssrc)
            {
                return layer;
            }
        }

        return null;
    }

    /// <summary>The slot of a rid (the bytes of an RtpStreamId element), or -1.</summary>
    public int SlotOf(ReadOnlySpan<byte> rid)
    {
        for (int i = 0; i < _rids.Length; i++)
        {
            if (rid.Length == _rids[i].Length && Ascii.Equals(rid, _rids[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether the packet's MID element (when it has one) names this group's section.</summary>
    public bool MatchesMid(ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        if (MidExtensionId == 0 || !header.TryFindExtension(packet, MidExtensionId, out int offset, out int length))
        {
            return true;
        }

        ReadOnlySpan<byte> mid = packet.Slice(offset, length);
        return mid.Length == Owner.Mid.Length && Ascii.Equals(mid, Owner.Mid);
    }

    /// <summary>Binds <paramref name="ssrc"/> to a slot as a new layer track (replacing the slot's earlier SSRC, if any).</summary>
    public PublishedTrack Bind(int slot, uint ssrc, RetransmissionBuffer retransmissions)
    {
        lock (_gate)
        {
            if (_layers[slot] is { } bound && bound.Ssrc == ssrc)
            {
                return bound;
            }

            var layer = new PublishedTrack(Owner.Publisher, ssrc, isVideo: true, Owner.Mid, Owner.StreamId, Owner.TrackId,
                Owner.PayloadTypeHint, retransmissions) { LayerOf = this, LayerSlot = slot };
            layer.SetPublisherRtx(0, _rtxPayloadTypes);
            PublishedTrack?[] next = [.. _layers];
            next[slot] = layer;
            Volatile.Write(ref _layers, next);
            return layer;
        }
    }

    /// <summary>Binds a layer's RTX SSRC (RFC 4588 with the repaired RtpStreamId).</summary>
    public void BindRtx(PublishedTrack layer, uint rtxSsrc) => layer.SetPublisherRtx(rtxSsrc, _rtxPayloadTypes);

    /// <summary>Whether a layer's packet starts a keyframe (the only place a subscriber may switch to it); a VP8
    /// keyframe's size is recorded as the layer's rank.</summary>
    public bool IsKeyframeStart(PublishedTrack layer, ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        ReadOnlySpan<byte> payload = packet.Slice(header.HeaderLength, header.PayloadLength);
        switch (_codecs[header.PayloadType & 0x7F])
        {
            case Vp8:
                if (!KeyframeDetector.IsVp8KeyframeStart(payload))
                {
                    return false;
                }

                if (KeyframeDetector.TryReadVp8KeyframeSize(payload, out int width, out int height))
                {
                    layer.LayerPixels = width * height;
                }

                return true;
            case H264:
                return KeyframeDetector.IsH264KeyframeStart(payload);
            default:
                return false;
        }
    }

    /// <summary>True while at least two layers arrive: subscribers then choose among them, so no single subscriber's
    /// estimate may cap the publisher.</summary>
    public bool IsLayered
    {
        get
        {
            int active = 0;
            foreach (PublishedTrack? layer in Volatile.Read(ref _layers))
            {
                active += layer is { LayerBitrateBps: > 0 } ? 1 : 0;
            }

            return active >= 2;
        }
    }

    /// <summary>Writes the layers that arrived over the last reading, lowest first, and returns how many: by VP8
    /// keyframe size when every one of them has shown one, else by bitrate.</summary>
    public int RankLayers(Span<SimulcastLayerRate> destination)
    {
        PublishedTrack?[] layers = Volatile.Read(ref _layers);
        Span<long> keys = stackalloc long[layers.Length];
        int count = 0;
        bool bySize = true;
        for (int i = 0; i < layers.Length && count < destination.Length; i++)
        {
            if (layers[i] is { LayerBitrateBps: > 0 } layer)
            {
                destination[count++] = new SimulcastLayerRate(i, layer.LayerBitrateBps);
                bySize &= layer.LayerPixels > 0;
            }
        }

        for (int i = 0; i < count; i++)
        {
            PublishedTrack layer = layers[destination[i].Slot]!;
            keys[i] = bySize ? ((long)layer.LayerPixels << 32) + Math.Min(layer.LayerBitrateBps, uint.MaxValue) : layer.LayerBitrateBps;
        }

        // Insertion sort: at most four layers.
        for (int i = 1; i < count; i++)
        {
            SimulcastLayerRate rate = destination[i];
            long key = keys[i];
            int j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                destination[j + 1] = destination[j];
                keys[j + 1] = keys[j];
                j--;
            }

            destination[j + 1] = rate;
            keys[j + 1] = key;
        }

        return count;
    }
}

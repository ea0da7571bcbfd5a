namespace Doctolib.Telehealth.Media.Testing;

/// <summary>How a test peer behaves.</summary>
internal sealed class TestPeerOptions
{
    public bool Audio { get; set; } = true;
    public bool Video { get; set; } = true;

    /// <summary>Video bitrate the peer publishes, bits per second.</summary>
    public int VideoBitrate { get; set; } = 500_000;

    /// <summary>Send a consent binding request this often (RFC 7675); null stops consent (for lapse tests).</summary>
    public TimeSpan? ConsentInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Payload types the peer offers (browsers differ; the server must renumber between them).</summary>
    public int AudioPayloadType { get; set; } = TestPeerSdp.OpusPayloadType;

    public int VideoPayloadType { get; set; } = TestPeerSdp.Vp8PayloadType;

    /// <summary>SSRCs the peer announces and sends; random when null (a test can make one peer claim another's).</summary>
    public uint? AudioSsrc { get; set; }

    public uint? VideoSsrc { get; set; }

    /// <summary>The transport-wide sequence extension id the peer offers (with transport-cc feedback), as browsers do;
    /// 0 offers neither (a REMB-only peer).</summary>
    public int TransportWideCcExtensionId { get; set; } = TestPeerSdp.TransportWideCcExtensionId;

    /// <summary>The RTX payload type the peer offers for its video codec (apt), as browsers do; 0 offers no RTX.</summary>
    public int RtxPayloadType { get; set; } = TestPeerSdp.RtxPayloadType;

    /// <summary>Answer the server's NACKs for our video on our RTX stream (as browsers do).</summary>
    public bool AnswerNacks { get; set; } = true;

    /// <summary>Connect over the server's passive ICE-TCP candidate (RFC 6544) instead of UDP.</summary>
    public bool UseTcp { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

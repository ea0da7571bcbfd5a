namespace Doctolib.Telehealth.Media.TestPeer;

/// <summary>How a test peer behaves.</summary>
internal sealed class TestPeerOptions
{
    public bool Audio { get; set; } = true;
    public bool Video { get; set; } = true;

    /// <summary>Video bitrate the peer publishes, bits per second.</summary>
    public int VideoBitrate { get; set; } = 500_000;

    /// <summary>Send a consent binding request this often (RFC 7675); null stops consent (for lapse tests).</summary>
    public TimeSpan? ConsentInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

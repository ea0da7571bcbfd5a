namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Bounds of <see cref="SendSideBandwidthEstimator"/>, in bits per second.</summary>
internal sealed record BandwidthEstimatorOptions
{
    public long StartBps { get; init; } = 300_000;
    public long MinBps { get; init; } = 30_000;
    public long MaxBps { get; init; } = 5_000_000;
}

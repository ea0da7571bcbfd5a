using Doctolib.Telehealth.Media.Bwe;
using Xunit.Abstractions;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The estimator on simulated paths (<see cref="BottleneckSimulation"/>): what it converges to, not how fast
/// the machine runs. The printed trace goes to the test output.</summary>
public sealed class SendSideBandwidthEstimatorTests(ITestOutputHelper output)
{
    private BottleneckSimulation Run(BottleneckSimulation simulation, double seconds)
    {
        simulation.RunUntil((long)(seconds * 1_000_000));
        foreach (var (micros, estimate) in simulation.Samples.Where(s => s.Micros % 2_000_000 == 0))
        {
            output.WriteLine($"{micros / 1_000_000,3} s  {estimate / 1000,6} kbps");
        }

        output.WriteLine($"dropped {simulation.Dropped}");
        return simulation;
    }

    [Fact]
    public void UnderCapacity_EstimateKeepsIncreasing()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = _ => 10_000_000,
        }, 20);

        Assert.True(simulation.At(10) > 450_000, $"at 10 s {simulation.At(10)}");
        Assert.True(simulation.At(20) > 2 * simulation.At(10) * 0.9, $"at 20 s {simulation.At(20)}");
        Assert.True(simulation.At(20) > 1_000_000, $"at 20 s {simulation.At(20)}");
        Assert.Equal(0, simulation.Dropped);
    }

    [Fact]
    public void Bottleneck500Kbit_ConvergesWithinFifteenPercentAndStopsRising()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = _ => 500_000,
        }, 60);

        var (mean, max, min) = simulation.Between(20, 60);
        output.WriteLine($"20-60 s: mean {mean / 1000:F0} kbps, min {min / 1000} kbps, max {max / 1000} kbps");
        Assert.InRange(mean, 425_000, 575_000);
        Assert.True(max < 600_000, $"max {max}");
        Assert.True(min > 400_000, $"min {min}");
    }

    [Fact]
    public void Bottleneck500KbitFromAHighStart_ComesDownToIt()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 2_000_000 })
        {
            CapacityBps = _ => 500_000,
        }, 60);

        var (mean, max, _) = simulation.Between(20, 60);
        Assert.InRange(mean, 425_000, 575_000);
        Assert.True(max < 600_000, $"max {max}");
    }

    [Fact]
    public void RandomLossOfTwentyPercent_EstimateDecreases()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 1_000_000 })
        {
            CapacityBps = _ => 10_000_000,
            RandomLoss = 0.2,
        }, 10);

        Assert.True(simulation.At(10) < 500_000, $"at 10 s {simulation.At(10)}");
        Assert.True(simulation.Estimator.LossFraction > 0.1, $"loss {simulation.Estimator.LossFraction}");
        Assert.True(simulation.Estimator.LossBasedBps < simulation.Estimator.DelayBasedBps);
    }

    [Fact]
    public void RandomLossOfOnePercent_DoesNotHoldTheEstimateBack()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = _ => 10_000_000,
            RandomLoss = 0.01,
        }, 20);

        Assert.True(simulation.At(20) > 1_000_000, $"at 20 s {simulation.At(20)}");
    }

    [Fact]
    public void BottleneckLifted_EstimateRecovers()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = t => t < 30_000_000 ? 500_000 : 10_000_000,
        }, 60);

        Assert.True(simulation.Between(20, 30).Max < 600_000);
        Assert.True(simulation.At(45) > 800_000, $"at 45 s {simulation.At(45)}");
        Assert.True(simulation.At(60) > 1_500_000, $"at 60 s {simulation.At(60)}");
    }

    [Fact]
    public void CapacityDrop_EstimateFollowsItDown()
    {
        var simulation = Run(new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = t => t < 20_000_000 ? 2_000_000 : 300_000,
        }, 50);

        Assert.True(simulation.At(19) > 800_000, $"at 19 s {simulation.At(19)}");
        var (mean, max, _) = simulation.Between(30, 50);
        Assert.InRange(mean, 255_000, 345_000);
        Assert.True(max < 360_000, $"max {max}");
    }
}

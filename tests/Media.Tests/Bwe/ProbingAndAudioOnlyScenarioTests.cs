using Doctolib.Telehealth.Media.Bwe;
using Xunit.Abstractions;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>Probing and the audio-only fallback on simulated paths: the estimator, the probe scheduler and the
/// audio-only decision together, as the plane will drive them for one subscriber.</summary>
public sealed class ProbingAndAudioOnlyScenarioTests(ITestOutputHelper output)
{
    private void Print(BottleneckSimulation simulation)
    {
        foreach (var (micros, estimate) in simulation.Samples.Where(s => s.Micros % 1_000_000 == 0))
        {
            output.WriteLine($"{micros / 1_000_000,3} s  {estimate / 1000,6} kbps");
        }

        output.WriteLine($"dropped {simulation.Dropped}, last probe {simulation.Estimator.LastProbeBps / 1000} kbps");
    }

    [Fact]
    public void InitialProbes_ClimbFasterThanEightPercentASecond()
    {
        var simulation = new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = _ => 3_000_000,
            Probes = new ProbeScheduler(),
            InitialProbes = true,
        };

        simulation.RunUntil(10_000_000);
        Print(simulation);

        Assert.True(simulation.At(3) >= 1_500_000, $"at 3 s {simulation.At(3)}");
        Assert.True(simulation.Between(3, 10).Max < 3_600_000, $"max {simulation.Between(3, 10).Max}");
    }

    [Fact]
    public void InitialProbes_AtABottleneck_StillConvergeToIt()
    {
        var simulation = new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 300_000 })
        {
            CapacityBps = _ => 500_000,
            Probes = new ProbeScheduler(),
            InitialProbes = true,
        };

        simulation.RunUntil(60_000_000);
        Print(simulation);

        var (mean, max, _) = simulation.Between(20, 60);
        Assert.InRange(mean, 425_000, 575_000);
        Assert.True(max < 600_000, $"max {max}");
    }

    [Fact]
    public void DropTo100Kbit_PausesVideo_RecoveryWithProbes_ResumesIt()
    {
        var decision = new AudioOnlyDecision();
        long pausedAt = -1;
        long resumedAt = -1;
        var simulation = new BottleneckSimulation(new BandwidthEstimatorOptions { StartBps = 1_000_000 })
        {
            CapacityBps = t => t is >= 10_000_000 and < 30_000_000 ? 100_000 : 2_000_000,
            MediaLimitBps = _ => decision.VideoPaused ? 40_000 : long.MaxValue,
            Probes = new ProbeScheduler(intervalMicros: 2_000_000, packets: 6, packetBytes: 500),
            ProbeTargetBps = (_, _) => decision.VideoPaused ? 500_000 : 0,
            Every100Ms = (t, estimator) =>
            {
                if (decision.OnEstimate(estimator.EstimateBps, t))
                {
                    if (decision.VideoPaused && pausedAt < 0)
                    {
                        pausedAt = t;
                    }
                    else if (!decision.VideoPaused && pausedAt >= 0 && resumedAt < 0)
                    {
                        resumedAt = t;
                    }
                }
            },
        };

        simulation.RunUntil(50_000_000);
        Print(simulation);
        output.WriteLine($"paused at {pausedAt / 1e6:F1} s, resumed at {resumedAt / 1e6:F1} s");

        Assert.InRange(pausedAt, 10_000_000, 15_000_000);   // within 5 s of the drop
        Assert.InRange(resumedAt, 30_000_000, 40_000_000);  // within 10 s of the recovery
        Assert.False(decision.VideoPaused);
    }

    [Fact]
    public void ProbeOnACongestedPath_DoesNotLiftTheEstimate()
    {
        var probes = new ProbeBitrateEstimator();
        long rate = 0;

        // 6 × 500 bytes sent 8 ms apart (500 kbps) that arrive 40 ms apart (100 kbps): the path's rate, not the probe's.
        for (int i = 0; i < 6; i++)
        {
            probes.TryAdd(1, i * 8_000, 100_000 + (i * 40_000), 500, out rate);
        }

        Assert.InRange(rate, 90_000, 100_000);
    }

    [Fact]
    public void ProbeOnAFreePath_MeasuresTheSendRate()
    {
        var probes = new ProbeBitrateEstimator();
        long rate = 0;
        for (int i = 0; i < 6; i++)
        {
            probes.TryAdd(1, i * 8_000, 100_000 + (i * 8_000), 500, out rate);
        }

        Assert.Equal(500_000, rate);
    }
}

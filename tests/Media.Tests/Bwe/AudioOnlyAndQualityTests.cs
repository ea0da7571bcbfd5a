using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

public sealed class AudioOnlyAndQualityTests
{
    [Fact]
    public void AudioOnly_LowEstimateForTheWholeDelay_PausesVideo()
    {
        var decision = new AudioOnlyDecision(pauseBelowBps: 150_000, pauseAfterMicros: 2_000_000);

        Assert.False(decision.OnEstimate(100_000, 0));
        Assert.False(decision.OnEstimate(100_000, 1_999_999));
        Assert.True(decision.OnEstimate(100_000, 2_000_000));

        Assert.True(decision.VideoPaused);
        Assert.True(decision.PausedForBandwidth);
    }

    [Fact]
    public void AudioOnly_WeakUplink_PausesAtOnce_AndHoldsThePauseForTheUplinkHold_BeforeTheUsualResumeDelay()
    {
        var decision = new AudioOnlyDecision(150_000, 2_000_000, resumeAboveBps: 250_000, resumeAfterMicros: 4_000_000);
        decision.OnEstimate(1_000_000, 0);

        Assert.True(decision.OnUplinkWeak(1_000_000));
        Assert.True(decision.PausedForBandwidth);
        for (long t = 1_100_000; t < 1_000_000 + AudioOnlyDecision.UplinkHoldMicros + 4_000_000; t += 100_000)
        {
            Assert.False(decision.OnEstimate(1_000_000, t), $"resumed at {t} µs");
        }

        Assert.True(decision.OnEstimate(1_000_000, 1_000_000 + AudioOnlyDecision.UplinkHoldMicros + 4_000_000));
        Assert.False(decision.VideoPaused);
    }

    [Fact]
    public void AudioOnly_WeakUplinkWhileAlreadyPaused_ChangesNothingButExtendsTheHold()
    {
        var decision = new AudioOnlyDecision(150_000, 2_000_000, resumeAboveBps: 250_000, resumeAfterMicros: 4_000_000);
        decision.OnUplinkWeak(0);

        Assert.False(decision.OnUplinkWeak(5_000_000));
        Assert.False(decision.OnEstimate(1_000_000, AudioOnlyDecision.UplinkHoldMicros + 1_000_000));
        Assert.True(decision.VideoPaused);
    }

    [Fact]
    public void AudioOnly_ShortDip_DoesNotPause()
    {
        var decision = new AudioOnlyDecision(pauseAfterMicros: 2_000_000);
        decision.OnEstimate(100_000, 0);
        decision.OnEstimate(400_000, 1_000_000);

        Assert.False(decision.OnEstimate(100_000, 2_500_000));
        Assert.False(decision.VideoPaused);
    }

    [Fact]
    public void AudioOnly_ResumesOnlyAboveTheHigherBarForTheWholeDelay()
    {
        var decision = new AudioOnlyDecision(150_000, 2_000_000, resumeAboveBps: 250_000, resumeAfterMicros: 4_000_000);
        decision.OnEstimate(100_000, 0);
        decision.OnEstimate(100_000, 2_000_000);

        Assert.False(decision.OnEstimate(200_000, 3_000_000));  // above the pause bar, under the resume bar
        Assert.False(decision.OnEstimate(200_000, 10_000_000));
        Assert.False(decision.OnEstimate(300_000, 11_000_000));
        Assert.True(decision.OnEstimate(300_000, 15_000_000));

        Assert.False(decision.VideoPaused);
    }

    [Fact]
    public void AudioOnly_ChosenByHand_PausesWhateverTheEstimate()
    {
        var decision = new AudioOnlyDecision();

        Assert.True(decision.SetManualAudioOnly(true));
        Assert.False(decision.OnEstimate(5_000_000, 0));
        Assert.True(decision.VideoPaused);
        Assert.True(decision.SetManualAudioOnly(false));
        Assert.False(decision.VideoPaused);
    }

    [Theory]
    [InlineData(0.0, 50, 5, 2_000_000, (int)ConnectionQuality.Good)]
    [InlineData(0.05, 50, 5, 2_000_000, (int)ConnectionQuality.Fair)]
    [InlineData(0.0, 300, 5, 2_000_000, (int)ConnectionQuality.Fair)]
    [InlineData(0.0, 50, 40, 2_000_000, (int)ConnectionQuality.Fair)]
    [InlineData(0.0, 50, 5, 300_000, (int)ConnectionQuality.Fair)]
    [InlineData(0.15, 50, 5, 2_000_000, (int)ConnectionQuality.Poor)]
    [InlineData(0.0, 500, 5, 2_000_000, (int)ConnectionQuality.Poor)]
    [InlineData(0.0, 50, 80, 2_000_000, (int)ConnectionQuality.Poor)]
    [InlineData(0.0, 50, 5, 100_000, (int)ConnectionQuality.Poor)]
    public void Quality_WorstInputDecides(double loss, int rttMs, int jitterMs, long estimate, int expected)
    {
        Assert.Equal((ConnectionQuality)expected, ConnectionQualityClassifier.Classify(new QualityInputs(loss, rttMs * 1000L, jitterMs * 1000L, estimate)));
    }

    [Fact]
    public void Quality_WorsensAtOnce_ImprovesAfterTheDelay()
    {
        var quality = new ConnectionQualityClassifier(improveAfterMicros: 5_000_000);
        var poor = new QualityInputs(0.2, 50_000, 5_000, 2_000_000);
        var good = new QualityInputs(0, 50_000, 5_000, 2_000_000);

        Assert.True(quality.Update(poor, 0));
        Assert.Equal(ConnectionQuality.Poor, quality.Current);
        Assert.False(quality.Update(good, 1_000_000));
        Assert.False(quality.Update(good, 5_999_999));
        Assert.True(quality.Update(good, 6_000_000));
        Assert.Equal(ConnectionQuality.Good, quality.Current);
    }
}

using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The per-subscriber rate gate on forwarded video (<see cref="VideoRateGate"/>) and the whole-frame drop it
/// drives on a down track (<see cref="FrameAdmission"/>).</summary>
public sealed class VideoRateGateTests
{
    private const long Estimate = 240_000; // refills at 1.25 × 240 kbps = 37.5 bytes per ms

    [Fact]
    public void Gate_Unconstrained_AdmitsEverything()
    {
        var gate = new VideoRateGate();
        gate.SetEstimate(Estimate, constrained: false, nowMicros: 0);
        for (int i = 0; i < 1_000; i++)
        {
            gate.OnSent(1_200, i * 1_000);
        }

        Assert.False(gate.IsActive);
        Assert.True(gate.MayStartVideoFrame(1_000_000));
    }

    [Fact]
    public void Gate_Constrained_StartsEmpty_RefusesFramesInDebt_AndRefillsAtAQuarterOverTheEstimate()
    {
        var gate = new VideoRateGate();
        gate.SetEstimate(Estimate, constrained: true, nowMicros: 1_000_000);
        Assert.True(gate.MayStartVideoFrame(1_000_000)); // empty, not in debt

        gate.OnSent(3_750, 1_000_000); // 100 ms of the refill rate
        Assert.False(gate.MayStartVideoFrame(1_050_000));
        Assert.True(gate.MayStartVideoFrame(1_100_000));
    }

    [Fact]
    public void Gate_Constrained_HoldsAtMostHalfASecondOfItsRate()
    {
        var gate = new VideoRateGate();
        gate.SetEstimate(Estimate, constrained: true, nowMicros: 0);

        // Ten idle seconds bank half a second (18,750 bytes), not ten.
        gate.OnSent(18_750, 10_000_000);
        Assert.True(gate.MayStartVideoFrame(10_000_000));
        gate.OnSent(1_000, 10_000_000);
        Assert.False(gate.MayStartVideoFrame(10_000_000));
    }

    [Fact]
    public void Frames_FrameRefused_DropsWholeFramesUntilAnAdmittedKeyframe_AskingForOneAfterASecond()
    {
        var gate = new VideoRateGate();
        gate.SetEstimate(Estimate, constrained: true, nowMicros: 0);
        var frames = new FrameAdmission();

        Assert.True(frames.Admit(timestamp: 1, keyframeStart: false, gate, 0, out _));
        gate.OnSent(20_000, 0); // a big frame: the bucket is in debt for over half a second
        Assert.True(frames.Admit(timestamp: 1, keyframeStart: false, gate, 1_000, out _)); // the rest of the admitted frame
        Assert.False(frames.Admit(timestamp: 2, keyframeStart: false, gate, 33_000, out bool ask));
        Assert.False(ask);
        Assert.True(frames.WaitsForKeyframe);

        // Room again, but a delta frame after a dropped one cannot be decoded: still dropped, and a second on, asked for.
        Assert.False(frames.Admit(timestamp: 3, keyframeStart: false, gate, 900_000, out ask));
        Assert.False(ask);
        Assert.False(frames.Admit(timestamp: 4, keyframeStart: false, gate, 33_000 + FrameAdmission.KeyframeAfterGateMicros, out ask));
        Assert.True(ask);

        Assert.True(frames.Admit(timestamp: 5, keyframeStart: true, gate, 1_100_000, out _));
        Assert.False(frames.WaitsForKeyframe);
        Assert.True(frames.Admit(timestamp: 5, keyframeStart: false, gate, 1_101_000, out _));
    }
}

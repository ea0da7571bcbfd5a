using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The plane's one periodic timer runs only while there is a session.</summary>
public sealed class PlaneAtRestTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task PlaneWithNoSession_NeverTicks()
    {
        var time = new FakeTimeProvider();
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Interval, time);

        for (int i = 0; i < 20; i++)
        {
            time.Advance(Interval);
        }

        await Task.Delay(200);
        Assert.Equal(0, harness.Plane.PeriodicTicks);
    }

    [Fact]
    public async Task FirstSession_StartsTheTimer_AndTheLastOneLeavingStopsIt()
    {
        var time = new FakeTimeProvider();
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Interval, time);
        var participant = new MediaParticipant("room-rest", "patient");
        await using WebRtcTestPeer peer = WebRtcTestPeer.Create("patient");

        await harness.Plane.AcceptOfferAsync(participant, peer.CreateOffer(), CancellationToken.None).WaitAsync(PlaneHarness.Timeout);
        Assert.True(await PlaneHarness.EventuallyAsync(() =>
        {
            time.Advance(Interval);
            return harness.Plane.PeriodicTicks >= 2;
        }));

        await harness.Plane.CloseAsync(participant, CancellationToken.None).WaitAsync(PlaneHarness.Timeout);
        long stoppedAt = 0;
        int quietIntervals = 0;
        Assert.True(await PlaneHarness.EventuallyAsync(() =>
        {
            // The first tick that finds no session stops the timer; after that, time passing adds none.
            long before = harness.Plane.PeriodicTicks;
            time.Advance(Interval);
            Thread.Sleep(100);
            stoppedAt = harness.Plane.PeriodicTicks;
            quietIntervals = stoppedAt == before ? quietIntervals + 1 : 0;
            return quietIntervals >= 3;
        }));
        for (int i = 0; i < 20; i++)
        {
            time.Advance(Interval);
        }

        await Task.Delay(200);
        Assert.Equal(stoppedAt, harness.Plane.PeriodicTicks);
    }
}

using Doctolib.Telehealth.Rooms.Internal;

namespace Doctolib.Telehealth.Rooms.Tests;

public sealed class LiveMediaTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly PersonId Patient = new("pa");
    private static readonly PersonId Practitioner = new("pr");
    private long seq;

    private TimelineEntry Entry(int second, string kind, PersonId who) => new(++seq, T0.AddSeconds(second), kind, who, null);

    [Fact]
    public void Together_OverlappingIntervals_CountsOnlyTheOverlap()
    {
        var timeline = new[]
        {
            Entry(0, LiveMedia.Up, Practitioner),
            Entry(30, LiveMedia.Up, Patient),
            Entry(90, LiveMedia.Down, Practitioner),
            Entry(120, LiveMedia.Down, Patient),
        };

        Assert.Equal(TimeSpan.FromSeconds(60), LiveMedia.Together(timeline, Patient, Practitioner, T0.AddSeconds(200)));
    }

    [Fact]
    public void Together_ADropAndAReturn_CountsBothStretches()
    {
        var timeline = new[]
        {
            Entry(0, LiveMedia.Up, Practitioner),
            Entry(0, LiveMedia.Up, Patient),
            Entry(40, LiveMedia.Down, Patient),
            Entry(70, LiveMedia.Up, Patient),
        };

        Assert.Equal(TimeSpan.FromSeconds(40 + 50), LiveMedia.Together(timeline, Patient, Practitioner, T0.AddSeconds(120)));
    }

    [Fact]
    public void Together_NeverAtTheSameTime_IsZero()
    {
        var timeline = new[]
        {
            Entry(0, LiveMedia.Up, Practitioner),
            Entry(10, LiveMedia.Down, Practitioner),
            Entry(20, LiveMedia.Up, Patient),
        };

        Assert.Equal(TimeSpan.Zero, LiveMedia.Together(timeline, Patient, Practitioner, T0.AddSeconds(60)));
    }

    [Fact]
    public void Together_OtherParticipantsMedia_IsIgnored()
    {
        var timeline = new[]
        {
            Entry(0, LiveMedia.Up, Practitioner),
            Entry(0, LiveMedia.Up, new PersonId("guest-1")),
        };

        Assert.Equal(TimeSpan.Zero, LiveMedia.Together(timeline, Patient, Practitioner, T0.AddSeconds(60)));
    }
}

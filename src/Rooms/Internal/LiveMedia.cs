namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Reads the media_up / media_down entries of a timeline and measures how long two participants both had
/// live media at the same time. An interval still open at <c>until</c> is closed there.</summary>
internal static class LiveMedia
{
    public const string Up = "media_up";
    public const string Down = "media_down";

    public static TimeSpan Together(IReadOnlyList<TimelineEntry> timeline, PersonId first, PersonId second, DateTimeOffset until)
    {
        var a = Intervals(timeline, first, until);
        var b = Intervals(timeline, second, until);
        var total = TimeSpan.Zero;
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var start = a[i].Start > b[j].Start ? a[i].Start : b[j].Start;
            var end = a[i].End < b[j].End ? a[i].End : b[j].End;
            if (end > start)
            {
                total += end - start;
            }
            if (a[i].End < b[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return total;
    }

    private static List<(DateTimeOffset Start, DateTimeOffset End)> Intervals(IReadOnlyList<TimelineEntry> timeline, PersonId who, DateTimeOffset until)
    {
        var result = new List<(DateTimeOffset, DateTimeOffset)>();
        DateTimeOffset? openSince = null;
        foreach (var entry in timeline)
        {
            if (entry.Participant != who)
            {
                continue;
            }
            if (entry.Kind == Up && openSince is null)
            {
                openSince = entry.At;
            }
            else if (entry.Kind == Down && openSince is { } since)
            {
                result.Add((since, entry.At));
                openSince = null;
            }
        }
        if (openSince is { } open && until > open)
        {
            result.Add((open, until));
        }
        return result;
    }
}

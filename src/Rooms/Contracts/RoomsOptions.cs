namespace Doctolib.Telehealth.Rooms;

/// <summary>Configuration section <c>Rooms</c>.</summary>
public sealed class RoomsOptions
{
    public const string Section = "Rooms";

    /// <summary>How long before the appointment's start the room opens.</summary>
    public TimeSpan JoinWindowBefore { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after the appointment's scheduled end a first join is still accepted.</summary>
    public TimeSpan JoinWindowAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a dropped participant has to come back before they are marked as left.</summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A consultation in progress ends by itself after this long.</summary>
    public TimeSpan MaximumDuration { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>The shortest time between two sweeps of the supervisor, which looks for expired grace periods and
    /// consultations to auto-end when the next of them is due (not on every interval).</summary>
    public TimeSpan SupervisorInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest the supervisor sleeps: how often it looks for work started by another instance (work
    /// this instance starts wakes it at once).</summary>
    public TimeSpan SupervisorRestInterval { get; set; } = TimeSpan.FromSeconds(30);
}

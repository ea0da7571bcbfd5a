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

    /// <summary>How often the supervisor looks for expired grace periods and consultations to auto-end.</summary>
    public TimeSpan SupervisorInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>With no consultation in progress and nobody inside a reconnect grace, how often the supervisor looks
    /// for such work started by another instance (work this instance starts wakes it at once).</summary>
    public TimeSpan SupervisorRestInterval { get; set; } = TimeSpan.FromSeconds(30);
}

using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Checks a hub call's arguments. The hub takes ids as strings (not <see cref="Guid"/>) so that a malformed id
/// reaches this check and gets a typed refusal, instead of SignalR's untyped "error binding arguments".</summary>
internal static class HubInput
{
    public const int MaxIdLength = 128;
    public const int MaxReasonLength = 500;

    public static AppointmentId Appointment(string? value) =>
        Guid.TryParseExact(value, "D", out var id)
            ? new AppointmentId(id)
            : throw Refusal("invalid-appointment-id", "An appointment id is a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");

    /// <summary>A required short text (an id, a reason): not null or blank, at most <paramref name="max"/> characters,
    /// no control characters.</summary>
    public static string Text(string? value, string name, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > max || RequestGuard.HasControlCharacter(value))
        {
            throw Refusal("invalid-argument", $"'{name}' must have between 1 and {max} characters, without control characters.");
        }
        return value;
    }

    public static HubException Refusal(string code, string message) => new($"{Problems.TypePrefix}{code}: {message}");
}

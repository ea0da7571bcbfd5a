using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Refuses room settings the lifecycle cannot run with, naming the configuration key (start-up stops).</summary>
internal sealed class RoomsOptionsValidator : IValidateOptions<RoomsOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomsOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(RoomsOptions.ReconnectGrace), options.ReconnectGrace);
        Positive(failures, nameof(RoomsOptions.MaximumDuration), options.MaximumDuration);
        Positive(failures, nameof(RoomsOptions.SupervisorInterval), options.SupervisorInterval);
        Positive(failures, nameof(RoomsOptions.SupervisorRestInterval), options.SupervisorRestInterval);
        NotNegative(failures, nameof(RoomsOptions.JoinWindowBefore), options.JoinWindowBefore);
        NotNegative(failures, nameof(RoomsOptions.JoinWindowAfter), options.JoinWindowAfter);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{RoomsOptions.Section}:{key} must be a positive time span such as 00:00:30 (it is {value}).");
        }
    }

    private static void NotNegative(List<string> failures, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"{RoomsOptions.Section}:{key} must not be negative (it is {value}).");
        }
    }
}

using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Billing;

/// <summary>Refuses billing settings the server cannot run with, naming the configuration key (start-up stops).</summary>
internal sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var failures = new List<string>();
        if (options.MinimumBillableSeconds is < 0 or > 86_400)
        {
            failures.Add($"Billing:MinimumBillableSeconds must be between 0 and 86400 (it is {options.MinimumBillableSeconds}).");
        }
        if (options.Worker.Concurrency is < 1 or > 64)
        {
            failures.Add($"Billing:Worker:Concurrency must be between 1 and 64 (it is {options.Worker.Concurrency}).");
        }
        if (options.Worker.PollIntervalMs is < 10 or > 3_600_000)
        {
            failures.Add($"Billing:Worker:PollIntervalMs must be between 10 and 3600000 (it is {options.Worker.PollIntervalMs}).");
        }
        if (!BillingOptions.TryParseSchedule(options.CaptureRetryScheduleSeconds, out _))
        {
            failures.Add("Billing:CaptureRetryScheduleSeconds must be comma-separated seconds between 0 and 86400, such as \"5,30,120\".");
        }
        if (options.StripeApiBase is { Length: > 0 } apiBase && !Uri.TryCreate(apiBase, UriKind.Absolute, out _))
        {
            failures.Add("Billing:Stripe:ApiBase must be an absolute URL.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

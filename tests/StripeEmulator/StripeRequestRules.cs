using System.Globalization;
using System.Text.Json.Nodes;

namespace Doctolib.Telehealth.StripeEmulator;

/// <summary>The request rules Stripe applies before an endpoint starts executing: the parameters each endpoint
/// knows, the required ones, and the automatic-payment-methods rule for a confirming create. A request that breaks
/// one is refused with Stripe's error shape and, as Stripe does, stores no idempotent result.
/// Each rule is listed with the Stripe reference page it follows in this project's README.</summary>
internal static class StripeRequestRules
{
    private static readonly HashSet<string> Expandable = ["expand"];

    /// <summary>Top-level parameters per operation, from Stripe's API reference (every documented parameter, not
    /// only those billing sends, so that a legitimate request is never refused).</summary>
    private static readonly Dictionary<string, HashSet<string>> Known = new(StringComparer.Ordinal)
    {
        ["create"] =
        [
            "amount", "currency", "allowed_payment_method_types", "automatic_payment_methods", "confirm", "customer", "customer_account", "description",
            "metadata", "off_session", "payment_method", "receipt_email", "setup_future_usage", "shipping",
            "statement_descriptor", "statement_descriptor_suffix", "application_fee_amount", "capture_method",
            "confirmation_method", "confirmation_token", "error_on_requires_action", "excluded_payment_method_types",
            "mandate", "mandate_data", "on_behalf_of", "payment_method_configuration", "payment_method_data",
            "payment_method_options", "payment_method_types", "radar_options", "return_url", "transfer_data",
            "transfer_group", "use_stripe_sdk", "hooks", "payment_details", "amount_details",
        ],
        ["retrieve"] = ["client_secret"],
        ["search"] = ["query", "limit", "page"],
        ["capture"] =
        [
            "amount_to_capture", "metadata", "application_fee_amount", "final_capture", "statement_descriptor",
            "statement_descriptor_suffix", "transfer_data", "hooks", "payment_details", "amount_details",
        ],
        ["cancel"] = ["cancellation_reason"],
        ["refund"] =
        [
            "amount", "charge", "currency", "customer", "instructions_email", "metadata", "origin", "payment_intent",
            "reason", "refund_application_fee", "reverse_transfer",
        ],
        ["balance"] = ["created", "currency", "ending_before", "limit", "payout", "source", "starting_after", "type"],
        ["payout"] = [],
    };

    /// <summary>The sub-keys of the hash parameters whose shape matters here.</summary>
    private static readonly Dictionary<string, HashSet<string>> KnownSubKeys = new(StringComparer.Ordinal)
    {
        ["automatic_payment_methods"] = ["enabled", "allow_redirects"],
        ["created"] = ["gt", "gte", "lt", "lte"],
    };

    private static readonly HashSet<string> CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];
    private static readonly HashSet<string> RefundReasons = ["duplicate", "fraudulent", "requested_by_customer"];
    private static readonly HashSet<string> CaptureMethods = ["automatic", "automatic_async", "manual"];

    /// <summary>Stripe's minimum charge amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), in
    /// minor units; a currency not listed here takes 50.</summary>
    private static readonly Dictionary<string, long> MinimumAmounts = new(StringComparer.Ordinal)
    {
        ["eur"] = 50, ["usd"] = 50, ["chf"] = 50, ["gbp"] = 30, ["jpy"] = 50, ["dkk"] = 250, ["sek"] = 300, ["nok"] = 300,
        ["pln"] = 200, ["czk"] = 1500, ["huf"] = 17500, ["ron"] = 200, ["cad"] = 50, ["aud"] = 50,
    };

    /// <summary>The refusal for a request that breaks a rule, or null when it may run.</summary>
    public static (int Status, JsonObject Body)? Check(string operation, IReadOnlyDictionary<string, string> parameters)
    {
        var unknown = UnknownParameter(operation, parameters);
        if (unknown is not null)
        {
            return Invalid("parameter_unknown", unknown, $"Received unknown parameter: {unknown}");
        }
        return operation switch
        {
            "create" => CheckCreate(parameters),
            "capture" => CheckInteger(parameters, "amount_to_capture"),
            "cancel" => CheckEnum(parameters, "cancellation_reason", CancellationReasons),
            "refund" => CheckRefund(parameters),
            "search" or "balance" => CheckInteger(parameters, "limit", 1, 100),
            _ => null,
        };
    }

    private static string? UnknownParameter(string operation, IReadOnlyDictionary<string, string> parameters)
    {
        var known = Known[operation];
        foreach (var key in parameters.Keys)
        {
            var bracket = key.IndexOf('[', StringComparison.Ordinal);
            var root = bracket < 0 ? key : key[..bracket];
            if (!known.Contains(root) && !Expandable.Contains(root))
            {
                return root;
            }
            if (bracket > 0 && KnownSubKeys.TryGetValue(root, out var subKeys))
            {
                var close = key.IndexOf(']', bracket);
                var sub = close < 0 ? key[(bracket + 1)..] : key[(bracket + 1)..close];
                if (!subKeys.Contains(sub))
                {
                    return $"{root}[{sub}]";
                }
            }
        }
        return null;
    }

    private static (int, JsonObject)? CheckCreate(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("amount", out var amountText))
        {
            return Invalid("parameter_missing", "amount", "Missing required param: amount.");
        }
        if (!form.TryGetValue("currency", out var currencyText))
        {
            return Invalid("parameter_missing", "currency", "Missing required param: currency.");
        }
        if (CheckInteger(form, "amount") is { } badAmount)
        {
            return badAmount;
        }
        var currency = currencyText.ToLowerInvariant();
        var minimum = MinimumAmounts.GetValueOrDefault(currency, 50);
        if (long.Parse(amountText, CultureInfo.InvariantCulture) < minimum)
        {
            return Invalid("amount_too_small", "amount",
                $"Amount must be at least {minimum} {currency} (in the currency's smallest unit).");
        }
        if (CheckEnum(form, "capture_method", CaptureMethods) is { } badCapture)
        {
            return badCapture;
        }
        var hasTypes = form.Keys.Any(k => k.StartsWith("payment_method_types", StringComparison.Ordinal));
        var hasAutomatic = form.Keys.Any(k => k.StartsWith("automatic_payment_methods", StringComparison.Ordinal));
        if (hasTypes && hasAutomatic)
        {
            return Invalid(null, "automatic_payment_methods",
                "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.");
        }
        var allowRedirects = form.GetValueOrDefault("automatic_payment_methods[allow_redirects]");
        if (allowRedirects is not null and not ("always" or "never"))
        {
            return Invalid("parameter_invalid_string", "automatic_payment_methods[allow_redirects]",
                $"Invalid automatic_payment_methods[allow_redirects]: must be one of always or never");
        }
        if (form.GetValueOrDefault("confirm") != "true")
        {
            return null;
        }
        if (!form.ContainsKey("payment_method") && !form.ContainsKey("confirmation_token"))
        {
            return Invalid("parameter_missing", "payment_method",
                "You must provide a `payment_method` (or a `confirmation_token`) to confirm a PaymentIntent.");
        }
        // API version 2023-08-16 and later: without payment_method_types the intent accepts the Dashboard's payment
        // methods, some of which redirect; confirming it then needs a return_url unless redirects are turned off.
        var automatic = !hasTypes && form.GetValueOrDefault("automatic_payment_methods[enabled]") != "false";
        if (automatic && allowRedirects != "never" && !form.ContainsKey("return_url"))
        {
            return Invalid(null, "return_url",
                "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.");
        }
        return null;
    }

    private static (int, JsonObject)? CheckRefund(IReadOnlyDictionary<string, string> form)
    {
        if (!form.ContainsKey("payment_intent") && !form.ContainsKey("charge"))
        {
            return Invalid("parameter_missing", "payment_intent", "One of `charge` or `payment_intent` is required.");
        }
        return CheckInteger(form, "amount") ?? CheckEnum(form, "reason", RefundReasons);
    }

    private static (int, JsonObject)? CheckInteger(IReadOnlyDictionary<string, string> form, string name, long min = 1, long max = 99_999_999)
    {
        if (!form.TryGetValue(name, out var text))
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return Invalid("parameter_invalid_integer", name, $"Invalid integer: {text}");
        }
        return value < min || value > max
            ? Invalid("parameter_invalid_integer", name, $"This value must be between {min} and {max}.")
            : null;
    }

    private static (int, JsonObject)? CheckEnum(IReadOnlyDictionary<string, string> form, string name, HashSet<string> allowed) =>
        form.TryGetValue(name, out var value) && !allowed.Contains(value)
            ? Invalid("parameter_invalid_string", name, $"Invalid {name}: must be one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}")
            : null;

    private static (int, JsonObject) Invalid(string? code, string? param, string message) =>
        (400, StripeJson.Error(400, "invalid_request_error", code, message, param: param));
}

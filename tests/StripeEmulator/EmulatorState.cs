using System.Text.Json.Nodes;

namespace Doctolib.Telehealth.StripeEmulator;

/// <summary>The emulator's Stripe account: payment intents, refunds, balance transactions, payouts and events.
/// Every operation runs under one lock, so it behaves as one consistent account.</summary>
internal sealed partial class EmulatorState
{
    internal readonly object Gate = new();
    private readonly Dictionary<string, EmulatedPaymentIntent> intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatedPaymentIntent> intentsByCharge = new(StringComparer.Ordinal);
    private readonly List<EmulatedRefund> refunds = [];
    private readonly List<EmulatedEvent> events = [];
    private long sequence;

    public Func<long> Clock { get; set; } = () => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public IReadOnlyList<EmulatedEvent> Events { get { lock (Gate) { return [.. events]; } } }

    public EmulatedPaymentIntent? Find(string id)
    {
        lock (Gate)
        {
            return intents.GetValueOrDefault(id);
        }
    }

    public List<EmulatedPaymentIntent> AllIntents()
    {
        lock (Gate)
        {
            return [.. intents.Values];
        }
    }

    public List<EmulatedRefund> AllRefunds()
    {
        lock (Gate)
        {
            return [.. refunds];
        }
    }

    private string NextId(string prefix) => $"{prefix}_{Interlocked.Increment(ref sequence):D8}{Guid.NewGuid():N}"[..(prefix.Length + 25)];

    /// <summary>POST /v1/payment_intents, after <see cref="StripeRequestRules"/> accepted the request.</summary>
    public (int Status, JsonObject Body) CreateIntent(IReadOnlyDictionary<string, string> form)
    {
        var types = form.Where(p => p.Key.StartsWith("payment_method_types", StringComparison.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
        var pi = new EmulatedPaymentIntent
        {
            Id = NextId("pi"),
            Amount = long.Parse(form["amount"], System.Globalization.CultureInfo.InvariantCulture),
            Currency = form["currency"].ToLowerInvariant(),
            Customer = form.GetValueOrDefault("customer"),
            PaymentMethod = form.GetValueOrDefault("payment_method"),
            ClientSecret = $"secret_{Guid.NewGuid():N}",
            Created = Clock(),
            CaptureMethod = form.GetValueOrDefault("capture_method") ?? "automatic",
            PaymentMethodTypes = types,
            AutomaticPaymentMethods = types.Count == 0,
            AllowRedirects = types.Count == 0 ? form.GetValueOrDefault("automatic_payment_methods[allow_redirects]") ?? "always" : null,
        };
        foreach (var (key, value) in form)
        {
            if (key.StartsWith("metadata[", StringComparison.Ordinal) && key.EndsWith(']'))
            {
                pi.Metadata[key[9..^1]] = value;
            }
        }
        intents[pi.Id] = pi;
        if (form.GetValueOrDefault("confirm") != "true")
        {
            return (200, StripeJson.Intent(pi));
        }
        return Confirm(pi);
    }

    private (int, JsonObject) Confirm(EmulatedPaymentIntent pi)
    {
        var method = pi.PaymentMethod ?? "";
        if (method.Contains("Declined", StringComparison.OrdinalIgnoreCase) || method.Contains("decline", StringComparison.Ordinal))
        {
            pi.Status = "requires_payment_method";
            pi.LastErrorCode = "card_declined";
            pi.LastDeclineCode = "generic_decline";
            Emit("payment_intent.payment_failed", StripeJson.Intent(pi));
            return (402, StripeJson.Error(402, "card_error", "card_declined", "Your card was declined.", StripeJson.Intent(pi), "generic_decline"));
        }
        if (method.Contains("authenticationRequired", StringComparison.OrdinalIgnoreCase) || method.Contains("threeDSecure", StringComparison.OrdinalIgnoreCase))
        {
            pi.Status = "requires_action";
            Emit("payment_intent.requires_action", StripeJson.Intent(pi));
            return (200, StripeJson.Intent(pi));
        }
        Authorise(pi);
        if (pi.CaptureMethod != "manual")
        {
            Settle(pi, pi.Amount);
        }
        return (200, StripeJson.Intent(pi));
    }

    private void Authorise(EmulatedPaymentIntent pi)
    {
        pi.Status = "requires_capture";
        pi.AmountCapturable = pi.Amount;
        pi.LatestCharge = NextId("ch");
        intentsByCharge[pi.LatestCharge] = pi;
        Emit("payment_intent.amount_capturable_updated", StripeJson.Intent(pi));
    }

    /// <summary>The patient completed 3-D Secure: the intent becomes capturable.</summary>
    public bool CompleteAction(string id)
    {
        lock (Gate)
        {
            if (!intents.TryGetValue(id, out var pi) || pi.Status != "requires_action")
            {
                return false;
            }
            Authorise(pi);
            return true;
        }
    }

    /// <summary>GET /v1/payment_intents/search for the one query shape billing uses: metadata['key']:'value'.</summary>
    public (int, JsonObject) Search(string query)
    {
        var match = System.Text.RegularExpressions.Regex.Match(query, @"^metadata\['([^']+)'\]:'([^']*)'$");
        if (!match.Success)
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "parameter_invalid", "unsupported search query"));
        }
        var data = new JsonArray();
        foreach (var pi in intents.Values)
        {
            if (pi.Metadata.GetValueOrDefault(match.Groups[1].Value) == match.Groups[2].Value)
            {
                data.Add(StripeJson.Intent(pi));
            }
        }
        return (200, new JsonObject { ["object"] = "search_result", ["url"] = "/v1/payment_intents/search", ["has_more"] = false, ["next_page"] = null, ["data"] = data });
    }

    public (int, JsonObject) Retrieve(string id) =>
        intents.TryGetValue(id, out var pi)
            ? (200, StripeJson.Intent(pi))
            : (404, StripeJson.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"));

    public (int, JsonObject) Capture(string id, IReadOnlyDictionary<string, string> form)
    {
        if (!intents.TryGetValue(id, out var pi))
        {
            return (404, StripeJson.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"));
        }
        if (pi.Status != "requires_capture")
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "payment_intent_unexpected_state",
                $"This PaymentIntent could not be captured because it has a status of {pi.Status}.", StripeJson.Intent(pi)));
        }
        var amount = long.TryParse(form.GetValueOrDefault("amount_to_capture"), out var partial) ? partial : pi.AmountCapturable;
        if (amount > pi.AmountCapturable)
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "amount_too_large",
                $"The amount to capture ({amount}) must be less than or equal to the amount capturable ({pi.AmountCapturable}).",
                StripeJson.Intent(pi), param: "amount_to_capture"));
        }
        Settle(pi, amount);
        return (200, StripeJson.Intent(pi));
    }

    private void Settle(EmulatedPaymentIntent pi, long amount)
    {
        pi.Status = "succeeded";
        pi.AmountReceived = amount;
        pi.AmountCapturable = 0;
        pi.CaptureCount++;
        AddBalanceTransaction("charge", pi.LatestCharge!, amount, pi.Currency, Fee(amount));
        Emit("payment_intent.succeeded", StripeJson.Intent(pi));
    }

    public (int, JsonObject) Cancel(string id)
    {
        if (!intents.TryGetValue(id, out var pi))
        {
            return (404, StripeJson.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"));
        }
        if (pi.Status is "succeeded" or "canceled")
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "payment_intent_unexpected_state",
                $"You cannot cancel this PaymentIntent because it has a status of {pi.Status}.", StripeJson.Intent(pi)));
        }
        pi.Status = "canceled";
        pi.AmountCapturable = 0;
        Emit("payment_intent.canceled", StripeJson.Intent(pi));
        return (200, StripeJson.Intent(pi));
    }

    public (int, JsonObject) Refund(IReadOnlyDictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("payment_intent") ?? "";
        var pi = intents.GetValueOrDefault(id) ?? intentsByCharge.GetValueOrDefault(form.GetValueOrDefault("charge") ?? "");
        if (pi is null)
        {
            return (404, StripeJson.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "payment_intent"));
        }
        if (pi.Status != "succeeded")
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "charge_not_captured",
                "This PaymentIntent does not have a successful charge to refund.", param: "payment_intent"));
        }
        var left = pi.AmountReceived - pi.AmountRefunded;
        var amount = long.TryParse(form.GetValueOrDefault("amount"), out var a) ? a : left;
        if (amount > left)
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "amount_too_large",
                $"Refund amount ({amount}) is greater than unrefunded amount on charge ({left}).", param: "amount"));
        }
        if (left == 0)
        {
            return (400, StripeJson.Error(400, "invalid_request_error", "charge_already_refunded",
                $"Charge {pi.LatestCharge} has already been refunded."));
        }
        pi.AmountRefunded += amount;
        var refund = new EmulatedRefund(NextId("re"), pi.Id, pi.LatestCharge!, amount, pi.Currency, Clock());
        refunds.Add(refund);
        AddBalanceTransaction("refund", refund.Id, -amount, pi.Currency, 0);
        Emit("charge.refunded", StripeJson.Charge(pi, refunds.Where(r => r.PaymentIntentId == pi.Id)));
        return (200, StripeJson.Refund(refund));
    }

    /// <summary>Stripe's European card pricing shape: 1.5% + 25 minor units (zero-decimal currencies: 1.5% only).</summary>
    private static long Fee(long amount) => amount * 15 / 1000 + 25;

    private void Emit(string type, JsonObject obj)
    {
        var id = NextId("evt");
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = "2025-01-27.acacia",
            ["created"] = Clock(),
            ["type"] = type,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["data"] = new JsonObject { ["object"] = obj.DeepClone() },
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        };
        events.Add(new EmulatedEvent(id, type, json.ToJsonString()));
    }

    public JsonObject? ChargeEventObject(string paymentIntentId)
    {
        lock (Gate)
        {
            return intents.TryGetValue(paymentIntentId, out var pi)
                ? StripeJson.Charge(pi, refunds.Where(r => r.PaymentIntentId == pi.Id))
                : null;
        }
    }

    /// <summary>Makes an event of any type about an intent's current state (for dispute tests and the like).</summary>
    public EmulatedEvent EmitFor(string type, JsonObject obj)
    {
        lock (Gate)
        {
            Emit(type, obj);
            return events[^1];
        }
    }
}

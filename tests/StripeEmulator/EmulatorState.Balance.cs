using System.Text.Json.Nodes;

namespace Doctolib.Telehealth.StripeEmulator;

internal sealed partial class EmulatorState
{
    private readonly List<EmulatedBalanceTransaction> balance = [];
    private readonly Dictionary<string, int> balanceIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<EmulatedBalanceTransaction>> payouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Amount, string Currency, long Created)> payoutInfo = new(StringComparer.Ordinal);

    public EmulatedBalanceTransaction AddBalanceTransaction(string type, string source, long amount, string currency, long fee, string? payoutId = null)
    {
        var txn = new EmulatedBalanceTransaction
        {
            Id = NextId("txn"), Type = type, Source = source, Amount = amount, Currency = currency, Fee = fee, Created = Clock(), PayoutId = payoutId,
        };
        balanceIndex[txn.Id] = balance.Count;
        balance.Add(txn);
        if (payoutId is not null)
        {
            payouts[payoutId].Add(txn);
        }
        return txn;
    }

    public List<EmulatedBalanceTransaction> AllBalanceTransactions()
    {
        lock (Gate)
        {
            return [.. balance];
        }
    }

    /// <summary>Pays out every balance transaction not yet paid out, as Stripe's automatic payouts do.</summary>
    public string CreatePayout(string currency)
    {
        lock (Gate)
        {
            var id = NextId("po");
            payouts[id] = [];
            long total = 0;
            foreach (var txn in balance)
            {
                if (txn.PayoutId is null && txn.Currency == currency)
                {
                    txn.PayoutId = id;
                    payouts[id].Add(txn);
                    total += txn.Amount - txn.Fee;
                }
            }
            payoutInfo[id] = (total, currency, Clock());
            return id;
        }
    }

    /// <summary>An empty payout that tests fill with planted transactions.</summary>
    public string CreateEmptyPayout(string currency)
    {
        lock (Gate)
        {
            var id = NextId("po");
            payouts[id] = [];
            payoutInfo[id] = (0, currency, Clock());
            return id;
        }
    }

    public EmulatedBalanceTransaction Plant(string payoutId, string type, string source, long amount, string currency, long fee)
    {
        lock (Gate)
        {
            return AddBalanceTransaction(type, source, amount, currency, fee, payoutId);
        }
    }

    public void RemoveFromPayout(string payoutId, string source)
    {
        lock (Gate)
        {
            payouts[payoutId].RemoveAll(t => t.Source == source);
            payoutIndexes.Remove(payoutId);
        }
    }

    public void ChangeAmount(string source, long amount)
    {
        lock (Gate)
        {
            foreach (var txn in balance)
            {
                if (txn.Source == source)
                {
                    txn.Amount = amount;
                }
            }
        }
    }

    private readonly Dictionary<string, Dictionary<string, int>> payoutIndexes = new(StringComparer.Ordinal);

    private Dictionary<string, int> PayoutIndex(string payoutId)
    {
        var list = payouts[payoutId];
        if (!payoutIndexes.TryGetValue(payoutId, out var index) || index.Count != list.Count)
        {
            index = new Dictionary<string, int>(list.Count, StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                index[list[i].Id] = i;
            }
            payoutIndexes[payoutId] = index;
        }
        return index;
    }

    public (int, JsonObject) Payout(string id)
    {
        if (!payoutInfo.TryGetValue(id, out var info))
        {
            return (404, StripeJson.Error(404, "invalid_request_error", "resource_missing", $"No such payout: '{id}'"));
        }
        return (200, new JsonObject
        {
            ["id"] = id, ["object"] = "payout", ["amount"] = info.Amount, ["currency"] = info.Currency,
            ["created"] = info.Created, ["arrival_date"] = info.Created, ["status"] = "paid", ["automatic"] = true,
        });
    }

    /// <summary>GET /v1/balance_transactions: newest first, cursor by <c>starting_after</c>, filter by payout and created.</summary>
    public (int, JsonObject) ListBalance(IReadOnlyDictionary<string, string> query)
    {
        List<EmulatedBalanceTransaction> source;
        if (query.TryGetValue("payout", out var payoutId))
        {
            if (!payouts.TryGetValue(payoutId, out var list))
            {
                return (404, StripeJson.Error(404, "invalid_request_error", "resource_missing", $"No such payout: '{payoutId}'"));
            }
            source = list;
        }
        else
        {
            source = balance;
        }
        var limit = int.TryParse(query.GetValueOrDefault("limit"), out var l) ? Math.Clamp(l, 1, 100) : 10;
        long? gte = long.TryParse(query.GetValueOrDefault("created[gte]"), out var g) ? g : null;
        long? lt = long.TryParse(query.GetValueOrDefault("created[lt]"), out var x) ? x : null;
        var start = source.Count - 1;
        if (query.TryGetValue("starting_after", out var after))
        {
            var index = ReferenceEquals(source, balance) ? balanceIndex : PayoutIndex(payoutId!);
            start = index.TryGetValue(after, out var idx) ? idx - 1 : -1;
        }
        var data = new JsonArray();
        var i = start;
        for (; i >= 0 && data.Count < limit; i--)
        {
            var txn = source[i];
            if ((gte is null || txn.Created >= gte) && (lt is null || txn.Created < lt))
            {
                data.Add(StripeJson.BalanceTransaction(txn));
            }
        }
        var hasMore = false;
        for (; i >= 0; i--)
        {
            var txn = source[i];
            if ((gte is null || txn.Created >= gte) && (lt is null || txn.Created < lt))
            {
                hasMore = true;
                break;
            }
        }
        return (200, new JsonObject { ["object"] = "list", ["url"] = "/v1/balance_transactions", ["has_more"] = hasMore, ["data"] = data });
    }
}

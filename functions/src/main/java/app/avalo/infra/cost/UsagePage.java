package app.avalo.infra.cost;

import com.google.cloud.firestore.DocumentSnapshot;
import java.util.List;

/** A page of per-user daily usage; {@code last} is the cursor for the next page (null: none). */
record UsagePage(List<Usage> rows, DocumentSnapshot last) {}

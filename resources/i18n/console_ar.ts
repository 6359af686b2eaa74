<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar_MA">
<context>
    <name>AckDialog</name>
    <message>
        <source>Acknowledge alarms</source>
        <translation>الإقرار بالإنذارات</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>اسمك</translation>
    </message>
    <message>
        <source>what you saw or did (optional)</source>
        <translation>ما رأيته أو فعلته (اختياري)</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>المشغّل</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>تعليق</translation>
    </message>
</context>
<context>
    <name>AlarmBanner</name>
    <message>
        <source>Critical</source>
        <translation>حرج</translation>
    </message>
    <message>
        <source>High</source>
        <translation>عالٍ</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>منخفض</translation>
    </message>
    <message>
        <source>Diagnostic</source>
        <translation>تشخيصي</translation>
    </message>
    <message>
        <source>site</source>
        <translation>الموقع</translation>
    </message>
    <message>
        <source>racks</source>
        <translation>الخزائن</translation>
    </message>
    <message>
        <source>GPU health</source>
        <translation>صحة وحدات GPU</translation>
    </message>
    <message>
        <source>power</source>
        <translation>الطاقة</translation>
    </message>
    <message>
        <source>job queue</source>
        <translation>طابور المهام</translation>
    </message>
    <message>
        <source>events</source>
        <translation>الأحداث</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>الإنذارات</translation>
    </message>
    <message>
        <source>Audible alert</source>
        <translation>تنبيه صوتي</translation>
    </message>
    <message>
        <source>Beep while a critical alarm is unacknowledged</source>
        <translation>صفير ما دام إنذار حرج دون إقرار</translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>إسكات</translation>
    </message>
    <message>
        <source>Alarm evaluation failing ({0}): counts may be out of date</source>
        <translation>تقييم الإنذارات فاشل ({0}): قد تكون الأعداد قديمة</translation>
    </message>
    <message>
        <source>{p} {u} unack · {k} ack</source>
        <translation>{p} {u} دون إقرار · {k} مُقَرّ</translation>
    </message>
    <message>
        <source>{p}: {u} waiting for acknowledgement (active or returned), {k} acknowledged and still active</source>
        <translation>{p}: {u} في انتظار الإقرار (نشطة أو عائدة)، {k} مُقَرّ بها وما زالت نشطة</translation>
    </message>
    <message>
        <source>No unacknowledged alarms</source>
        <translation>لا إنذارات دون إقرار</translation>
    </message>
    <message>
        <source>{p}: not yet evaluated</source>
        <translation>{p}: لم تُقيَّم بعد</translation>
    </message>
    <message>
        <source>Alarms not evaluated — {0}</source>
        <translation>الإنذارات غير مُقيَّمة — {0}</translation>
    </message>
    <message>
        <source>Alarms: waiting for the first evaluation…</source>
        <translation>الإنذارات: في انتظار التقييم الأول…</translation>
    </message>
    <message>
        <source>No alarm evaluation has been received yet: the counts are unknown, not zero</source>
        <translation>لم يصل أي تقييم للإنذارات بعد: الأعداد غير معروفة، وليست صفرًا</translation>
    </message>
    <message>
        <source>Act first — {p}, unacknowledged {age}: {area} · {message}</source>
        <translation>تصرّف أولاً — {p}، دون إقرار منذ {age}: {area} · {message}</translation>
    </message>
    <message>
        <source> · respond within {0} min</source>
        <translation> · الاستجابة خلال {0} د</translation>
    </message>
</context>
<context>
    <name>AlarmKpiPanel</name>
    <message>
        <source>{0} s</source>
        <translation>{0} ث</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} د {1} ث</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} س {1} د</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>المؤشر</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>النوبة</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>الهدف</translation>
    </message>
    <message>
        <source>Alarms raised</source>
        <translation>الإنذارات المرفوعة</translation>
    </message>
    <message>
        <source>Alarms per 10 min, average</source>
        <translation>الإنذارات لكل 10 د، المتوسط</translation>
    </message>
    <message>
        <source>Most alarms in any 10 min</source>
        <translation>أكثر الإنذارات في أي 10 د</translation>
    </message>
    <message>
        <source>Alarm rate per day</source>
        <translation>معدل الإنذارات في اليوم</translation>
    </message>
    <message>
        <source>Floods (&gt;10 in 10 min)</source>
        <translation>فيضانات (&gt;10 في 10 د)</translation>
    </message>
    <message>
        <source>Critical share</source>
        <translation>حصة الحرجة</translation>
    </message>
    <message>
        <source>High share</source>
        <translation>حصة العالية</translation>
    </message>
    <message>
        <source>Medium and low share</source>
        <translation>حصة المتوسطة والمنخفضة</translation>
    </message>
    <message>
        <source>Chattering alarms (3 in 1 min)</source>
        <translation>إنذارات متذبذبة (3 في دقيقة)</translation>
    </message>
    <message>
        <source>Standing alarms now</source>
        <translation>الإنذارات القائمة الآن</translation>
    </message>
    <message>
        <source>Stale alarms (standing &gt; 24 h)</source>
        <translation>إنذارات قديمة (قائمة &gt; 24 س)</translation>
    </message>
    <message>
        <source>Time to acknowledge: median / 90 % / max</source>
        <translation>زمن الإقرار: الوسيط / 90 % / الأقصى</translation>
    </message>
    <message>
        <source>Waiting for acknowledgement</source>
        <translation>في انتظار الإقرار</translation>
    </message>
    <message>
        <source>Shelved in the shift / now</source>
        <translation>المعلّقة في النوبة / الآن</translation>
    </message>
    <message>
        <source>≤ 1</source>
        <translation>≤ 1</translation>
    </message>
    <message>
        <source>≤ 10</source>
        <translation>≤ 10</translation>
    </message>
    <message>
        <source>≤ 150</source>
        <translation>≤ 150</translation>
    </message>
    <message>
        <source>0</source>
        <translation>0</translation>
    </message>
    <message>
        <source>≤ 5 %</source>
        <translation>≤ 5 %</translation>
    </message>
    <message>
        <source>≤ 15 %</source>
        <translation>≤ 15 %</translation>
    </message>
    <message>
        <source>≥ 80 %</source>
        <translation>≥ 80 %</translation>
    </message>
    <message>
        <source>≤ 5</source>
        <translation>≤ 5</translation>
    </message>
    <message>
        <source>Most frequent alarms</source>
        <translation>الإنذارات الأكثر تكراراً</translation>
    </message>
    <message>
        <source>Alarm performance: no alarm journal</source>
        <translation>أداء الإنذارات: لا يوجد سجل إنذارات</translation>
    </message>
    <message>
        <source>Alarm performance, shift {0} – {1}, figures up to {2}</source>
        <translation>أداء الإنذارات، النوبة {0} – {1}، الأرقام حتى {2}</translation>
    </message>
    <message>
        <source>Journal from {0} (console start)</source>
        <translation>السجل منذ {0} (بدء وحدة التحكم)</translation>
    </message>
    <message>
        <source>{0} (C {1} · H {2} · M {3} · L {4})</source>
        <translation>{0} (ح {1} · ع {2} · م {3} · ن {4})</translation>
    </message>
    <message>
        <source>{0} ({1} in all, longest {2})</source>
        <translation>{0} ({1} إجمالاً، الأطول {2})</translation>
    </message>
    <message>
        <source>{0} × {1} ({2})</source>
        <translation>{0} × {1} ({2})</translation>
    </message>
    <message>
        <source>Chattering: {0}</source>
        <translation>متذبذبة: {0}</translation>
    </message>
    <message>
        <source>No alarm raised in the shift.</source>
        <translation>لم يُرفع أي إنذار في النوبة.</translation>
    </message>
</context>
<context>
    <name>AlarmListView</name>
    <message>
        <source>Standing</source>
        <translation>القائمة</translation>
    </message>
    <message>
        <source>Unacknowledged</source>
        <translation>دون إقرار</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>معلّقة</translation>
    </message>
    <message>
        <source>Suppressed / out of service</source>
        <translation>مكبوتة / خارج الخدمة</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>كل الحالات</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>كل الأولويات</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>حرج</translation>
    </message>
    <message>
        <source>High and above</source>
        <translation>عالٍ فما فوق</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>متوسط فما فوق</translation>
    </message>
    <message>
        <source>Low and above</source>
        <translation>منخفض فما فوق</translation>
    </message>
    <message>
        <source>All halls</source>
        <translation>كل القاعات</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>إقرار…</translation>
    </message>
    <message>
        <source>Shelve…</source>
        <translation>تعليق…</translation>
    </message>
    <message>
        <source>Plan work…</source>
        <translation>تخطيط أعمال…</translation>
    </message>
    <message>
        <source>Announce planned work: alarms of a hall, row, rack or server raised during it are shelved at once</source>
        <translation>الإعلان عن أعمال مخططة: تُعلَّق فوراً إنذارات القاعة أو الصف أو الرف أو الخادم المرفوعة أثناءها</translation>
    </message>
    <message>
        <source>Jump to rack</source>
        <translation>انتقال إلى الرف</translation>
    </message>
    <message>
        <source>Select an alarm to see what to do, its racks, GPUs and history; double-click or Enter opens its rack in depth.</source>
        <translation>حدد إنذاراً لرؤية ما يجب فعله ورفوفه ووحدات GPU وسجله؛ النقر المزدوج أو Enter يفتح رفه بالتفصيل.</translation>
    </message>
    <message>
        <source>Hall {0}</source>
        <translation>القاعة {0}</translation>
    </message>
    <message>
        <source>{shown} of {total} alarms shown</source>
        <translation>عُرض {shown} من {total} إنذاراً</translation>
    </message>
    <message>
        <source> · hub time {clock} {zone} ({utc})</source>
        <translation> · توقيت المحور {clock} {zone} ({utc})</translation>
    </message>
    <message>
        <source> · alarm data {0} old</source>
        <translation> · عمر بيانات الإنذارات {0}</translation>
    </message>
    <message>
        <source>No alarm data yet: waiting for the first evaluation.</source>
        <translation>لا بيانات إنذارات بعد: في انتظار أول تقييم.</translation>
    </message>
    <message>
        <source>No alarm matches the filters ({0} hidden).</source>
        <translation>لا إنذار يطابق عوامل التصفية ({0} مخفية).</translation>
    </message>
    <message>
        <source>No standing alarms: nothing needs the control room now.</source>
        <translation>لا إنذارات قائمة: لا شيء يتطلب غرفة التحكم الآن.</translation>
    </message>
    <message>
        <source>Alarm data is {0} old.</source>
        <translation>عمر بيانات الإنذارات {0}.</translation>
    </message>
    <message>
        <source>{priority} · {state} · {area} · id {id}</source>
        <translation>{priority} · {state} · {area} · المعرّف {id}</translation>
    </message>
    <message>
        <source>Raised {local} site time ({utc})</source>
        <translation>رُفع {local} بتوقيت الموقع ({utc})</translation>
    </message>
    <message>
        <source>Action: {0}</source>
        <translation>الإجراء: {0}</translation>
    </message>
    <message>
        <source>If nobody acts: {0}</source>
        <translation>إن لم يتصرف أحد: {0}</translation>
    </message>
    <message>
        <source>Respond within {0} min</source>
        <translation>الاستجابة خلال {0} د</translation>
    </message>
    <message>
        <source> (waiting {0}{1})</source>
        <translation> (في الانتظار منذ {0}{1})</translation>
    </message>
    <message>
        <source>, overdue</source>
        <translation>، متأخر</translation>
    </message>
    <message>
        <source>Area: {0}</source>
        <translation>المنطقة: {0}</translation>
    </message>
    <message>
        <source>Racks ({n}): {racks}</source>
        <translation>الرفوف ({n}): {racks}</translation>
    </message>
    <message>
        <source>GPUs ({n}): {gpus}</source>
        <translation>وحدات GPU ({n}): {gpus}</translation>
    </message>
    <message>
        <source>Last action by {0}</source>
        <translation>آخر إجراء بواسطة {0}</translation>
    </message>
    <message>
        <source>Members ({0}):</source>
        <translation>الأعضاء ({0}):</translation>
    </message>
    <message>
        <source>  … and {0} more</source>
        <translation>  … و{0} أخرى</translation>
    </message>
    <message>
        <source>{0} alarms</source>
        <translation>{0} إنذارات</translation>
    </message>
    <message>
        <source>Planned work on {scope}: {reason}</source>
        <translation>أعمال مخططة على {scope}: {reason}</translation>
    </message>
    <message>
        <source>Cancel planned work</source>
        <translation>إلغاء الأعمال المخططة</translation>
    </message>
</context>
<context>
    <name>AlarmRules</name>
    <message>
        <source>Normal</source>
        <translation>عادي</translation>
    </message>
    <message>
        <source>Unacknowledged</source>
        <translation>غير مُقَرّ به</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>مُقَرّ به</translation>
    </message>
    <message>
        <source>Returned, unacknowledged</source>
        <translation>عاد إلى الوضع العادي، غير مُقَرّ به</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>مؤجَّل</translation>
    </message>
    <message>
        <source>Suppressed</source>
        <translation>مكبوت</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>خارج الخدمة</translation>
    </message>
    <message>
        <source>Row cooling lost or degraded</source>
        <translation>فقدان تبريد الصف أو تدهوره</translation>
    </message>
    <message>
        <source>Send the facility technician to the row&apos;s cooling unit (CDU / CRAH); if inlets keep rising, drain the row&apos;s jobs so the GPUs shed heat.</source>
        <translation>أرسل فنّي المنشأة إلى وحدة تبريد الصف (CDU / CRAH)؛ إذا استمرت حرارة المداخل في الارتفاع، أفرغ مهام الصف لتتخلص وحدات GPU من الحرارة.</translation>
    </message>
    <message>
        <source>The row&apos;s GPUs throttle, then shut down: every job on the row slows or dies.</source>
        <translation>تُبطئ وحدات GPU في الصف ثم تتوقف: كل مهمة في الصف تتباطأ أو تتوقف.</translation>
    </message>
    <message>
        <source>Rack inlet above ASHRAE allowable</source>
        <translation>مدخل الخزانة فوق المسموح به وفق ASHRAE</translation>
    </message>
    <message>
        <source>Check the rack&apos;s containment, doors and blanking panels and the nearest cooling unit; move the rack&apos;s work if it stays hot.</source>
        <translation>تحقّق من احتواء الخزانة وأبوابها وألواح السدّ وأقرب وحدة تبريد؛ انقل عمل الخزانة إذا بقيت ساخنة.</translation>
    </message>
    <message>
        <source>The rack&apos;s GPUs run outside their allowable envelope: they throttle and age faster.</source>
        <translation>تعمل وحدات GPU في الخزانة خارج نطاقها المسموح به: تُبطئ وتتقادم أسرع.</translation>
    </message>
    <message>
        <source>PDU feed lost: rack on one feed</source>
        <translation>فقدان تغذية PDU: الخزانة على تغذية واحدة</translation>
    </message>
    <message>
        <source>Send the electrician to find the cause and reset the breaker; if the remaining feed is near its rating, drain work from the racks it carries.</source>
        <translation>أرسل الكهربائي لإيجاد السبب وإعادة ضبط القاطع؛ إذا كانت التغذية المتبقية قريبة من قدرتها المقنّنة، أفرغ العمل من الخزانات التي تحملها.</translation>
    </message>
    <message>
        <source>No redundancy: one more fault drops the racks and every job on them.</source>
        <translation>لا تكرار: عطل آخر يُسقط الخزانات وكل مهمة عليها.</translation>
    </message>
    <message>
        <source>PDU feed load critical</source>
        <translation>حمل تغذية PDU حرج</translation>
    </message>
    <message>
        <source>Shed load from the rack now (drain or cap its GPUs); check the other feed.</source>
        <translation>خفّف حمل الخزانة الآن (أفرغ وحدات GPU أو حدّ قدرتها)؛ تحقّق من التغذية الأخرى.</translation>
    </message>
    <message>
        <source>The breaker trips and the rack loses its redundancy or its power.</source>
        <translation>ينفصل القاطع وتفقد الخزانة تكرارها أو تغذيتها.</translation>
    </message>
    <message>
        <source>PDU feed load high</source>
        <translation>حمل تغذية PDU مرتفع</translation>
    </message>
    <message>
        <source>Plan a load move or a power cap for the rack before the next ramp-up.</source>
        <translation>خطّط لنقل الحمل أو لحدّ القدرة للخزانة قبل الارتفاع القادم.</translation>
    </message>
    <message>
        <source>A little more load reaches the critical limit.</source>
        <translation>قليل من الحمل الإضافي يبلغ الحد الحرج.</translation>
    </message>
    <message>
        <source>Several GPUs failing in one rack</source>
        <translation>عدة وحدات GPU تتعطل في خزانة واحدة</translation>
    </message>
    <message>
        <source>Send a hardware technician to the rack (power shelf, NVLink switch tray, coolant); drain the rack if more GPUs fail.</source>
        <translation>أرسل فنّي عتاد إلى الخزانة (رفّ التغذية، درج مبدّلات NVLink، سائل التبريد)؛ أفرغ الخزانة إذا تعطلت وحدات GPU أخرى.</translation>
    </message>
    <message>
        <source>A rack-level fault takes out the rack&apos;s GPUs one after another.</source>
        <translation>عطل على مستوى الخزانة يُخرج وحدات GPU فيها واحدة تلو الأخرى.</translation>
    </message>
    <message>
        <source>Server lost: every GPU failed</source>
        <translation>فقدان خادم: تعطلت كل وحدات GPU</translation>
    </message>
    <message>
        <source>Check the server&apos;s power and BMC; power-cycle it; drain it and open a hardware ticket if it does not come back.</source>
        <translation>تحقّق من تغذية الخادم ومن BMC؛ أعد تشغيله كهربائيًا؛ أفرغه وافتح تذكرة عتاد إذا لم يعد.</translation>
    </message>
    <message>
        <source>The server&apos;s jobs are dead and its GPUs idle until repaired.</source>
        <translation>مهام الخادم متوقفة ووحدات GPU فيه خاملة حتى الإصلاح.</translation>
    </message>
    <message>
        <source>GPU failure rate above its baseline</source>
        <translation>معدل أعطال GPU فوق خط الأساس</translation>
    </message>
    <message>
        <source>Look for a common cause (driver or firmware roll-out, a hall&apos;s power quality or cooling); stop roll-outs until it is found.</source>
        <translation>ابحث عن سبب مشترك (نشر برنامج تشغيل أو برنامج ثابت، جودة تغذية قاعة أو تبريدها)؛ أوقف عمليات النشر حتى يُعثر عليه.</translation>
    </message>
    <message>
        <source>A fleet-wide problem keeps killing customers&apos; jobs.</source>
        <translation>مشكلة على مستوى الأسطول تواصل إيقاف مهام العملاء.</translation>
    </message>
    <message>
        <source>Large job killed by a hardware fault</source>
        <translation>مهمة كبيرة أوقفها عطل عتادي</translation>
    </message>
    <message>
        <source>Tell customer operations; check the job was requeued from its checkpoint and the failed server is drained.</source>
        <translation>أبلغ عمليات العملاء؛ تحقّق من أن المهمة أعيدت إلى الطابور من نقطة حفظها وأن الخادم المعطّل قد أُفرغ.</translation>
    </message>
    <message>
        <source>A large customer loses hours of work without hearing from us.</source>
        <translation>عميل كبير يخسر ساعات من العمل دون أن يسمع منا.</translation>
    </message>
    <message>
        <source>Facility load near the power envelope</source>
        <translation>حمل المنشأة قريب من غلاف القدرة</translation>
    </message>
    <message>
        <source>Cap GPU power or pause deferrable partitions until the load is back under the warning level; tell the grid operator if it keeps rising.</source>
        <translation>حدّ قدرة وحدات GPU أو أوقف مؤقتًا الأقسام القابلة للتأجيل حتى يعود الحمل تحت مستوى التحذير؛ أبلغ مشغّل الشبكة إذا استمر في الارتفاع.</translation>
    </message>
    <message>
        <source>The grid connection&apos;s limit is breached: penalties, then a trip of the site.</source>
        <translation>يُتجاوز حدّ الربط بالشبكة: غرامات، ثم فصل المنشأة.</translation>
    </message>
    <message>
        <source>Renewable supply dropped</source>
        <translation>انخفاض الإمداد المتجدد</translation>
    </message>
    <message>
        <source>Check the battery&apos;s dispatch and the grid import; consider deferring flexible work.</source>
        <translation>تحقّق من تشغيل البطارية والاستيراد من الشبكة؛ فكّر في تأجيل العمل المرن.</translation>
    </message>
    <message>
        <source>The site runs on grid power: cost and carbon rise.</source>
        <translation>تعمل المنشأة على كهرباء الشبكة: ترتفع التكلفة والكربون.</translation>
    </message>
    <message>
        <source>Hub event</source>
        <translation>حدث من المركز</translation>
    </message>
    <message>
        <source>Follow the instruction in the hub&apos;s message.</source>
        <translation>اتبع التعليمات الواردة في رسالة المركز.</translation>
    </message>
    <message>
        <source>As the hub&apos;s message says.</source>
        <translation>كما تقول رسالة المركز.</translation>
    </message>
    <message>
        <source>Hub communication lost</source>
        <translation>فقدان الاتصال بالمركز</translation>
    </message>
    <message>
        <source>Check the hub API and the network to it; watch the floor through the BMS until it answers again.</source>
        <translation>تحقّق من واجهة API للمركز والشبكة المؤدية إليه؛ راقب القاعة عبر نظام إدارة المبنى حتى يجيب مجددًا.</translation>
    </message>
    <message>
        <source>The console shows old data: new faults go unseen.</source>
        <translation>تعرض وحدة التحكم بيانات قديمة: تمرّ الأعطال الجديدة دون أن تُرى.</translation>
    </message>
    <message>
        <source>Stale data</source>
        <translation>بيانات قديمة</translation>
    </message>
    <message>
        <source>Check the data source named in the alarm (exporter, scheduler, meter).</source>
        <translation>تحقّق من مصدر البيانات المذكور في الإنذار (المُصدِّر، المجدول، العدّاد).</translation>
    </message>
    <message>
        <source>A view shows old data as if it were current.</source>
        <translation>يعرض عرضٌ بيانات قديمة كأنها حالية.</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>الأولوية</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>المنطقة</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>الرسالة</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>القيمة</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>المشغّل</translation>
    </message>
    <message>
        <source>{0} GPU</source>
        <translation>{0} GPU</translation>
    </message>
    <message>
        <source>{0} GPUs</source>
        <translation>{0} GPU</translation>
    </message>
    <message>
        <source>per h</source>
        <translation>في الساعة</translation>
    </message>
    <message>
        <source>{0} until {1}</source>
        <translation>{0} حتى {1}</translation>
    </message>
    <message>
        <source>Raised {raised} (hub time)
Last change {changed}</source>
        <translation>رُفع {raised} (توقيت المحور)
آخر تغيير {changed}</translation>
    </message>
    <message>
        <source>(no action stated for this alarm)</source>
        <translation>(لا إجراء محدد لهذا الإنذار)</translation>
    </message>
    <message>
        <source>If nobody acts: {0}</source>
        <translation>إن لم يتصرف أحد: {0}</translation>
    </message>
    <message>
        <source>Respond within {0} min</source>
        <translation>الاستجابة خلال {0} د</translation>
    </message>
    <message>
        <source>Alarm id: {0}</source>
        <translation>معرّف الإنذار: {0}</translation>
    </message>
    <message>
        <source>By {0}</source>
        <translation>بواسطة {0}</translation>
    </message>
</context>
<context>
    <name>AlarmText</name>
    <message>
        <source>row {0}</source>
        <translation>الصف {0}</translation>
    </message>
    <message>
        <source>hall {0}</source>
        <translation>القاعة {0}</translation>
    </message>
    <message>
        <source>feed {0}</source>
        <translation>التغذية {0}</translation>
    </message>
    <message>
        <source>{0} racks</source>
        <translation>{0} خزانات</translation>
    </message>
    <message>
        <source>site</source>
        <translation>المنشأة</translation>
    </message>
    <message>
        <source>Row {0} running hot: {1} racks, {2}</source>
        <translation>الصف {0} ساخن: {1} خزانات، {2}</translation>
    </message>
    <message>
        <source>inlet up to {0:.1f} °C (limit {1:g})</source>
        <translation>المدخل حتى {0:.1f} °م (الحد {1:g})</translation>
    </message>
    <message>
        <source>GPUs up to {0:.1f} °C</source>
        <translation>وحدات GPU حتى {0:.1f} °م</translation>
    </message>
    <message>
        <source>Feed {0} lost: {1} on one feed, no redundancy</source>
        <translation>فقدان التغذية {0}: {1} على تغذية واحدة، دون تكرار</translation>
    </message>
    <message>
        <source>Feed {0} lost: {1} on one feed, no redundancy; the other feed at {2:.0f} % of its rating</source>
        <translation>فقدان التغذية {0}: {1} على تغذية واحدة، دون تكرار؛ التغذية الأخرى عند {2:.0f} % من قدرتها المقنّنة</translation>
    </message>
    <message>
        <source>Inlet {0:.1f} °C, above {1:g} °C</source>
        <translation>المدخل {0:.1f} °م، فوق {1:g} °م</translation>
    </message>
    <message>
        <source>Inlet above {0:g} °C in {1} racks of {2} (hottest {3:.1f} °C)</source>
        <translation>المدخل فوق {0:g} °م في {1} خزانات من {2} (الأسخن {3:.1f} °م)</translation>
    </message>
    <message>
        <source>PDU feed {0} at {1:.0f} % of its {2:g} kW rating (limit {3:g} %)</source>
        <translation>تغذية PDU {0} عند {1:.0f} % من قدرتها المقنّنة {2:g} كيلوواط (الحد {3:g} %)</translation>
    </message>
    <message>
        <source>PDU feed load at or above {0:g} % in {1} racks of {2} (worst {3:.0f} %)</source>
        <translation>حمل تغذية PDU عند {0:g} % أو أكثر في {1} خزانات من {2} (الأسوأ {3:.0f} %)</translation>
    </message>
    <message>
        <source>PDU feed load above {0:g} % in {1} racks of {2} (worst {3:.0f} %)</source>
        <translation>حمل تغذية PDU فوق {0:g} % في {1} خزانات من {2} (الأسوأ {3:.0f} %)</translation>
    </message>
    <message>
        <source>Facility load {0:.0f} MW, {1:.0f} % of the {2:g} MW envelope</source>
        <translation>حمل المنشأة {0:.0f} ميغاواط، {1:.0f} % من غلاف {2:g} ميغاواط</translation>
    </message>
    <message>
        <source>Job {0} ({1} GPUs) killed by hardware faults {2}</source>
        <translation>المهمة {0} ({1} GPU) أوقفتها أعطال عتادية {2}</translation>
    </message>
    <message>
        <source>Job {0} of {1} ({2} GPUs) killed by hardware faults {3}</source>
        <translation>المهمة {0} لـ {1} ({2} GPU) أوقفتها أعطال عتادية {3}</translation>
    </message>
    <message>
        <source>once</source>
        <translation>مرة واحدة</translation>
    </message>
    <message>
        <source>{0} times in {1:g} h</source>
        <translation>{0} مرات في {1:g} س</translation>
    </message>
    <message>
        <source>No answer from the data source for {0} since {1} UTC</source>
        <translation>لا جواب من مصدر البيانات لـ {0} منذ {1} UTC</translation>
    </message>
    <message>
        <source>{0} (limit {1:g} s)</source>
        <translation>{0} (الحد {1:g} ث)</translation>
    </message>
    <message>
        <source>{0} data is {1:.0f} s old</source>
        <translation>بيانات {0} عمرها {1:.0f} ث</translation>
    </message>
    <message>
        <source>Server {0} lost: all {1} GPUs failed</source>
        <translation>فقدان الخادم {0}: تعطلت كل وحدات GPU الـ {1}</translation>
    </message>
    <message>
        <source>GPUs failing in {0} racks of row {1} within {2:.0f} min ({3} GPUs)</source>
        <translation>وحدات GPU تتعطل في {0} خزانات من الصف {1} خلال {2:.0f} دقيقة ({3} GPU)</translation>
    </message>
    <message>
        <source>{0} GPUs failed in rack {1} within {2:.0f} min</source>
        <translation>{0} وحدات GPU تعطلت في الخزانة {1} خلال {2:.0f} دقيقة</translation>
    </message>
    <message>
        <source>{0} GPUs failed in the last hour; about {1:.0f} are normal for {2:,.0f} GPUs (alarm from {3:.0f})</source>
        <translation>{0} وحدات GPU تعطلت في الساعة الأخيرة؛ نحو {1:.0f} عادي لـ {2:,.0f} GPU (الإنذار ابتداءً من {3:.0f})</translation>
    </message>
    <message>
        <source>Planned work on {0} until {1} UTC: {2}</source>
        <translation>أعمال مخطط لها على {0} حتى {1} UTC: {2}</translation>
    </message>
    <message>
        <source>racks</source>
        <translation>الخزائن</translation>
    </message>
    <message>
        <source>gpus</source>
        <translation>وحدات GPU</translation>
    </message>
    <message>
        <source>power</source>
        <translation>القدرة</translation>
    </message>
    <message>
        <source>jobs</source>
        <translation>المهام</translation>
    </message>
    <message>
        <source>events</source>
        <translation>الأحداث</translation>
    </message>
    <message>
        <source>forecast</source>
        <translation>التوقعات</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>الموقع</translation>
    </message>
    <message>
        <source>Racks</source>
        <translation>الخزائن</translation>
    </message>
    <message>
        <source>Gpus</source>
        <translation>وحدات GPU</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>القدرة</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>المهام</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>الأحداث</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>التوقعات</translation>
    </message>
</context>
<context>
    <name>ClearItemDialog</name>
    <message>
        <source>Clear open item</source>
        <translation>إغلاق بند مفتوح</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>اسمك</translation>
    </message>
    <message>
        <source>Cleared by</source>
        <translation>أغلقه</translation>
    </message>
    <message>
        <source>Clear item</source>
        <translation>إغلاق البند</translation>
    </message>
</context>
<context>
    <name>DataSourcesDialog</name>
    <message>
        <source>Data sources</source>
        <translation>مصادر البيانات</translation>
    </message>
    <message>
        <source>View</source>
        <translation>العرض</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>المؤشر</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الوضع</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>التفاصيل</translation>
    </message>
    <message>
        <source>What to enable</source>
        <translation>ما يجب تفعيله</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>تشغيل مجدداً</translation>
    </message>
    <message>
        <source>This window shows a cache file (review): there is no live source to check.</source>
        <translation>تعرض هذه النافذة ملفاً مؤقتاً (مراجعة): لا مصدر مباشر للفحص.</translation>
    </message>
    <message>
        <source>Asking {0}…</source>
        <translation>جارٍ سؤال {0}…</translation>
    </message>
    <message>
        <source>the source</source>
        <translation>المصدر</translation>
    </message>
    <message>
        <source>{0}: {1} found, {2} missing, {3} errors.</source>
        <translation>{0}: {1} موجود، {2} مفقود، {3} أخطاء.</translation>
    </message>
    <message>
        <source>Nothing could be read: {0}</source>
        <translation>تعذّرت قراءة أي شيء: {0}</translation>
    </message>
    <message>
        <source>found</source>
        <translation>موجود</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>مفقود</translation>
    </message>
    <message>
        <source>error</source>
        <translation>خطأ</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>{0} — shift handover — {1}</source>
        <translation>{0} — تسليم النوبة — {1}</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>الصفحة {0} من {1}</translation>
    </message>
    <message>
        <source>as shown at {0} site time · {1} × {2} px</source>
        <translation>كما عُرض في {0} بتوقيت الموقع · {1} × {2} بكسل</translation>
    </message>
    <message>
        <source>as shown at {0} site time</source>
        <translation>كما عُرض في {0} بتوقيت الموقع</translation>
    </message>
    <message>
        <source>Shift handover {0} {1}</source>
        <translation>تسليم النوبة {0} {1}</translation>
    </message>
    <message>
        <source>Capturing {0}</source>
        <translation>التقاط: {0}</translation>
    </message>
    <message>
        <source>Writing the report (PDF)</source>
        <translation>كتابة التقرير (PDF)</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export shift handover</source>
        <translation>تصدير تسليم النوبة</translation>
    </message>
    <message>
        <source>an empty folder for the pack</source>
        <translation>مجلد فارغ لملف التسليم</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>استعراض…</translation>
    </message>
    <message>
        <source>Current shift</source>
        <translation>النوبة الحالية</translation>
    </message>
    <message>
        <source>Previous shift</source>
        <translation>النوبة السابقة</translation>
    </message>
    <message>
        <source>to</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>Notes for the next shift (plain text)</source>
        <translation>ملاحظات للنوبة التالية (نص عادي)</translation>
    </message>
    <message>
        <source>Replace the folder if it already holds a handover pack</source>
        <translation>استبدال المجلد إن كان يحوي ملف تسليم</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>المجلد</translation>
    </message>
    <message>
        <source>Shift (%1)</source>
        <translation>النوبة (%1)</translation>
    </message>
    <message>
        <source>Operator notes</source>
        <translation>ملاحظات المشغّل</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>تصدير</translation>
    </message>
    <message>
        <source>Folder for the handover pack</source>
        <translation>مجلد ملف التسليم</translation>
    </message>
    <message>
        <source>Collecting the shift&apos;s data…</source>
        <translation>جمع بيانات النوبة…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Exporting handover</source>
        <translation>جارٍ تصدير التسليم</translation>
    </message>
    <message>
        <source>Not exported: %1</source>
        <translation>لم يُصدَّر: %1</translation>
    </message>
    <message>
        <source>Handover pack written to %1</source>
        <translation>كُتب ملف التسليم في %1</translation>
    </message>
</context>
<context>
    <name>Feed</name>
    <message>
        <source>rack detail is not available from this feed</source>
        <translation>تفاصيل الرف غير متاحة من هذا المصدر</translation>
    </message>
    <message>
        <source>a handover cannot be journaled from this window</source>
        <translation>لا يمكن تسجيل تسليم من هذه النافذة</translation>
    </message>
    <message>
        <source>alarms cannot be changed from this window</source>
        <translation>لا يمكن تغيير الإنذارات من هذه النافذة</translation>
    </message>
    <message>
        <source>the shift log cannot be written from this window</source>
        <translation>لا يمكن الكتابة في سجل النوبة من هذه النافذة</translation>
    </message>
</context>
<context>
    <name>GpuHealth</name>
    <message>
        <source>healthy</source>
        <translation>سليمة</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>متدهورة</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>معطلة</translation>
    </message>
    <message>
        <source>off the bus</source>
        <translation>خارج الناقل</translation>
    </message>
    <message>
        <source>GPU stopped processing (channel timeout)</source>
        <translation>توقف GPU عن المعالجة (انتهاء مهلة القناة)</translation>
    </message>
    <message>
        <source>Restart the job; if it repeats on this GPU, drain the node and reset the GPU.</source>
        <translation>أعد تشغيل المهمة؛ إذا تكرر ذلك على هذا GPU، أفرغ العقدة وأعد ضبط GPU.</translation>
    </message>
    <message>
        <source>Graphics engine exception (often an application fault)</source>
        <translation>استثناء في محرك الرسوميات (غالبًا خطأ في التطبيق)</translation>
    </message>
    <message>
        <source>Restart the job; if it repeats with other jobs on this GPU, drain the node and run DCGM diagnostics (dcgmi diag -r 3).</source>
        <translation>أعد تشغيل المهمة؛ إذا تكرر ذلك مع مهام أخرى على هذا GPU، أفرغ العقدة وشغّل تشخيصات DCGM (dcgmi diag -r 3).</translation>
    </message>
    <message>
        <source>GPU memory page fault (illegal address, usually the application)</source>
        <translation>خطأ صفحة في ذاكرة GPU (عنوان غير صالح، عادةً من التطبيق)</translation>
    </message>
    <message>
        <source>Tell the tenant (application bug is likeliest); if it repeats across jobs, drain the node and run DCGM diagnostics.</source>
        <translation>أبلغ المستأجر (خلل التطبيق هو الأرجح)؛ إذا تكرر عبر المهام، أفرغ العقدة وشغّل تشخيصات DCGM.</translation>
    </message>
    <message>
        <source>GPU stopped processing: the application hit a software fault; the GPU itself is healthy</source>
        <translation>توقف GPU عن المعالجة: واجه التطبيق خطأً برمجيًا؛ GPU نفسه سليم</translation>
    </message>
    <message>
        <source>No hardware action: the job was stopped; restart it.</source>
        <translation>لا إجراء على العتاد: أوقفت المهمة؛ أعد تشغيلها.</translation>
    </message>
    <message>
        <source>Preemptive cleanup after an earlier error or a killed job</source>
        <translation>تنظيف استباقي بعد خطأ سابق أو مهمة أوقفت</translation>
    </message>
    <message>
        <source>No action alone; look for an earlier XID on this GPU and act on that one.</source>
        <translation>لا إجراء بمفرده؛ ابحث عن XID سابق على هذا GPU وتصرّف بناءً عليه.</translation>
    </message>
    <message>
        <source>Uncorrectable (double-bit) ECC memory error</source>
        <translation>خطأ ذاكرة ECC غير قابل للتصحيح (ثنائي البت)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU to remap the row; if remapping fails (XID 64), replace the GPU.</source>
        <translation>أفرغ العقدة وأعد ضبط GPU لإعادة تعيين الصف؛ إذا فشلت إعادة التعيين (XID 64)، استبدل GPU.</translation>
    </message>
    <message>
        <source>Internal micro-controller breakpoint/warning</source>
        <translation>نقطة توقف/تحذير في المتحكم الدقيق الداخلي</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; open a case with NVIDIA if it repeats.</source>
        <translation>أفرغ العقدة وأعد ضبط GPU؛ افتح حالة لدى NVIDIA إذا تكرر ذلك.</translation>
    </message>
    <message>
        <source>Internal micro-controller halted</source>
        <translation>توقف المتحكم الدقيق الداخلي</translation>
    </message>
    <message>
        <source>ECC row remapping recorded (pending until GPU reset)</source>
        <translation>سُجّلت إعادة تعيين صف ECC (معلّقة حتى إعادة ضبط GPU)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU at the next opportunity to apply the remap.</source>
        <translation>أفرغ العقدة وأعد ضبط GPU في أقرب فرصة لتطبيق إعادة التعيين.</translation>
    </message>
    <message>
        <source>ECC row remapping failed: no spare rows left</source>
        <translation>فشلت إعادة تعيين صف ECC: لم تبقَ صفوف احتياطية</translation>
    </message>
    <message>
        <source>Drain the node and replace the GPU (RMA).</source>
        <translation>أفرغ العقدة واستبدل GPU (RMA).</translation>
    </message>
    <message>
        <source>NVLink error (link training or data errors)</source>
        <translation>خطأ NVLink (تهيئة الرابط أو أخطاء البيانات)</translation>
    </message>
    <message>
        <source>Drain the node; reset the GPU; check NVLink cabling/NVSwitch tray; service the hardware if it persists.</source>
        <translation>أفرغ العقدة؛ أعد ضبط GPU؛ تحقّق من كابلات NVLink/درج NVSwitch؛ أصلح العتاد إذا استمر ذلك.</translation>
    </message>
    <message>
        <source>GPU has fallen off the bus (not reachable on PCIe)</source>
        <translation>خرج GPU من الناقل (لا يمكن الوصول إليه عبر PCIe)</translation>
    </message>
    <message>
        <source>Drain the node and power-cycle it; check PCIe seating, power and cooling; replace the GPU or baseboard if it repeats.</source>
        <translation>أفرغ العقدة وأعد تشغيلها كهربائيًا؛ تحقّق من تثبيت PCIe والتغذية والتبريد؛ استبدل GPU أو اللوحة الأساسية إذا تكرر ذلك.</translation>
    </message>
    <message>
        <source>High rate of correctable (single-bit) ECC errors</source>
        <translation>معدل مرتفع لأخطاء ECC القابلة للتصحيح (أحادية البت)</translation>
    </message>
    <message>
        <source>Watch the SBE count; drain and reset the GPU at the next opportunity; replace if the rate stays high.</source>
        <translation>راقب عدد SBE؛ أفرغ وأعد ضبط GPU في أقرب فرصة؛ استبدله إذا بقي المعدل مرتفعًا.</translation>
    </message>
    <message>
        <source>Contained ECC error: one application was stopped, others are unaffected</source>
        <translation>خطأ ECC محتوى: أوقف تطبيق واحد، والبقية غير متأثرة</translation>
    </message>
    <message>
        <source>Restart the stopped job; drain and reset the GPU at the next opportunity to remap the row.</source>
        <translation>أعد تشغيل المهمة الموقوفة؛ أفرغ وأعد ضبط GPU في أقرب فرصة لإعادة تعيين الصف.</translation>
    </message>
    <message>
        <source>Uncontained ECC error: every application on the GPU is affected</source>
        <translation>خطأ ECC غير محتوى: كل التطبيقات على GPU متأثرة</translation>
    </message>
    <message>
        <source>Drain the node now and reset the GPU; replace it if the reset does not clear it.</source>
        <translation>أفرغ العقدة الآن وأعد ضبط GPU؛ استبدله إذا لم تُزِل إعادة الضبط الخطأ.</translation>
    </message>
    <message>
        <source>GPU System Processor (GSP) did not answer in time</source>
        <translation>لم يُجب معالج نظام GPU (GSP) في الوقت المحدد</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; if it repeats, check the driver version and open a case with NVIDIA.</source>
        <translation>أفرغ العقدة وأعد ضبط GPU؛ إذا تكرر ذلك، تحقّق من إصدار برنامج التشغيل وافتح حالة لدى NVIDIA.</translation>
    </message>
    <message>
        <source>GPU System Processor (GSP) error</source>
        <translation>خطأ في معالج نظام GPU (GSP)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; if it repeats, open a case with NVIDIA.</source>
        <translation>أفرغ العقدة وأعد ضبط GPU؛ إذا تكرر ذلك، افتح حالة لدى NVIDIA.</translation>
    </message>
    <message>
        <source>Unrecovered ECC error (memory)</source>
        <translation>خطأ ECC لم يُستردّ (الذاكرة)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; replace it if the error returns.</source>
        <translation>أفرغ العقدة وأعد ضبط GPU؛ استبدله إذا عاد الخطأ.</translation>
    </message>
    <message>
        <source>The driver asks for a recovery action (reset or reboot)</source>
        <translation>يطلب برنامج التشغيل إجراء استرداد (إعادة ضبط أو إعادة تشغيل)</translation>
    </message>
    <message>
        <source>Drain the node and perform the requested reset or reboot.</source>
        <translation>أفرغ العقدة ونفّذ إعادة الضبط أو إعادة التشغيل المطلوبة.</translation>
    </message>
    <message>
        <source>GPU idle</source>
        <translation>GPU خامل</translation>
    </message>
    <message>
        <source>applications clocks setting</source>
        <translation>إعداد ساعات التطبيقات</translation>
    </message>
    <message>
        <source>SW power cap</source>
        <translation>حدّ قدرة برمجي</translation>
    </message>
    <message>
        <source>HW slowdown</source>
        <translation>إبطاء عتادي</translation>
    </message>
    <message>
        <source>sync boost</source>
        <translation>تعزيز متزامن</translation>
    </message>
    <message>
        <source>SW thermal slowdown</source>
        <translation>إبطاء حراري برمجي</translation>
    </message>
    <message>
        <source>HW thermal slowdown</source>
        <translation>إبطاء حراري عتادي</translation>
    </message>
    <message>
        <source>HW power brake slowdown</source>
        <translation>إبطاء بمكبح القدرة العتادي</translation>
    </message>
    <message>
        <source>display clock setting</source>
        <translation>إعداد ساعة العرض</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>غير متوفر</translation>
    </message>
    <message>
        <source>other (0x{0})</source>
        <translation>أخرى (0x{0})</translation>
    </message>
    <message>
        <source>none</source>
        <translation>لا شيء</translation>
    </message>
    <message>
        <source>Check the rack&apos;s cooling and inlet temperature; drain the node if the GPU stays hot.</source>
        <translation>تحقّق من تبريد الخزانة وحرارة المدخل؛ أفرغ العقدة إذا بقي GPU ساخنًا.</translation>
    </message>
    <message>
        <source>Check the rack&apos;s PDU feeds and power supplies (power brake asserted).</source>
        <translation>تحقّق من تغذيات PDU ومزوّدات الطاقة في الخزانة (مكبح القدرة مفعّل).</translation>
    </message>
    <message>
        <source>Check power supplies and cooling of the node; drain it if the slowdown persists.</source>
        <translation>تحقّق من مزوّدات الطاقة وتبريد العقدة؛ أفرغها إذا استمر الإبطاء.</translation>
    </message>
    <message>
        <source>XID {0} (not in the console&apos;s catalogue)</source>
        <translation>XID {0} (غير موجود في فهرس وحدة التحكم)</translation>
    </message>
    <message>
        <source>Look the XID up in NVIDIA&apos;s XID catalogue; drain the node if it repeats.</source>
        <translation>ابحث عن XID في فهرس XID لدى NVIDIA؛ أفرغ العقدة إذا تكرر ذلك.</translation>
    </message>
    <message>
        <source>XID {0}: {1}</source>
        <translation>XID {0}: {1}</translation>
    </message>
    <message>
        <source>GPU off the bus (not reachable on PCIe)</source>
        <translation>GPU خارج الناقل (لا يمكن الوصول إليه عبر PCIe)</translation>
    </message>
    <message>
        <source>ECC row remapping failed</source>
        <translation>فشلت إعادة تعيين صف ECC</translation>
    </message>
    <message>
        <source>{0} uncorrectable (double-bit) ECC error(s)</source>
        <translation>{0} خطأ (أخطاء) ECC غير قابلة للتصحيح (ثنائية البت)</translation>
    </message>
    <message>
        <source>Throttled: {0} at {1:.0f} °C</source>
        <translation>مُبطأ: {0} عند {1:.0f} °م</translation>
    </message>
    <message>
        <source>Throttled: {0}</source>
        <translation>مُبطأ: {0}</translation>
    </message>
    <message>
        <source>Hot: {0:.0f} °C (no throttling reported)</source>
        <translation>ساخن: {0:.0f} °م (لم يُبلَّغ عن إبطاء)</translation>
    </message>
    <message>
        <source>GPU {0} (no cause reported)</source>
        <translation>GPU {0} (لم يُبلَّغ عن سبب)</translation>
    </message>
    <message>
        <source>Drain the node and run DCGM diagnostics (dcgmi diag -r 3).</source>
        <translation>أفرغ العقدة وشغّل تشخيصات DCGM (dcgmi diag -r 3).</translation>
    </message>
    <message>
        <source>Watch it; run DCGM diagnostics when the node is next drained.</source>
        <translation>راقبه؛ شغّل تشخيصات DCGM عند إفراغ العقدة في المرة القادمة.</translation>
    </message>
    <message>
        <source>{0} (reported {1} times in 24 h)</source>
        <translation>{0} (أُبلغ عنه {1} مرات خلال 24 س)</translation>
    </message>
    <message>
        <source>site</source>
        <translation>الموقع</translation>
    </message>
    <message>
        <source>all</source>
        <translation>الكل</translation>
    </message>
</context>
<context>
    <name>GpuHealthView</name>
    <message>
        <source>Hall</source>
        <translation>القاعة</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>الصف</translation>
    </message>
    <message>
        <source>Rack</source>
        <translation>الرف</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>العقدة</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>الفتحة</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>الطراز</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الوضع</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>السبب</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>منذ</translation>
    </message>
    <message>
        <source>Recommended action</source>
        <translation>الإجراء الموصى به</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>المجموع</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>سليمة</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>متدهورة</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>معطلة</translation>
    </message>
    <message>
        <source>Off the bus</source>
        <translation>خارج الناقل</translation>
    </message>
    <message>
        <source>Show in maintenance list</source>
        <translation>عرض في قائمة الصيانة</translation>
    </message>
    <message>
        <source>Filter: rack, node, UUID, XID, cause… (all words)</source>
        <translation>تصفية: رف، عقدة، UUID، XID، سبب… (كل الكلمات)</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>كل الأوضاع</translation>
    </message>
    <message>
        <source>All halls</source>
        <translation>كل القاعات</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>لا بيانات بعد</translation>
    </message>
    <message>
        <source>Hall {0} · {1}</source>
        <translation>القاعة {0} · {1}</translation>
    </message>
    <message>
        <source>ECC not collected: enable DCGM_FI_DEV_ECC_DBE_VOL_TOTAL in dcgm-exporter&apos;s counters file (commented out by default)</source>
        <translation>ECC غير مُجمَّع: فعّل DCGM_FI_DEV_ECC_DBE_VOL_TOTAL في ملف عدّادات dcgm-exporter (معطّل بتعليق افتراضياً)</translation>
    </message>
    <message>
        <source>Throttling not collected: enable DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS before DCGM 3.1) in dcgm-exporter&apos;s counters file</source>
        <translation>خفض التردد غير مُجمَّع: فعّل DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS قبل DCGM 3.1) في ملف عدّادات dcgm-exporter</translation>
    </message>
    <message>
        <source>Row remap failures not collected: enable DCGM_FI_DEV_ROW_REMAP_FAILURE in dcgm-exporter&apos;s counters file</source>
        <translation>إخفاقات إعادة تعيين الصفوف غير مُجمَّعة: فعّل DCGM_FI_DEV_ROW_REMAP_FAILURE في ملف عدّادات dcgm-exporter</translation>
    </message>
    <message>
        <source>XIDs not collected: enable DCGM_FI_DEV_XID_ERRORS in dcgm-exporter&apos;s counters file</source>
        <translation>XID غير مُجمَّعة: فعّل DCGM_FI_DEV_XID_ERRORS في ملف عدّادات dcgm-exporter</translation>
    </message>
    <message>
        <source>{signal} not collected</source>
        <translation>{signal} غير مُجمَّع</translation>
    </message>
    <message>
        <source>Not checked (GPUs with these faults are not listed):</source>
        <translation>غير مفحوص (وحدات GPU ذات هذه الأعطال غير مدرجة):</translation>
    </message>
    <message>
        <source> — STALE</source>
        <translation> — قديمة</translation>
    </message>
    <message>
        <source>{0} of {1} unhealthy GPUs · list {2} old ({3})</source>
        <translation>{0} من {1} وحدة GPU معتلّة · عمر القائمة {2} ({3})</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <source>Site status</source>
        <translation>حالة الموقع</translation>
    </message>
    <message>
        <source>Alarms standing and shelved</source>
        <translation>الإنذارات القائمة والمعلّقة</translation>
    </message>
    <message>
        <source>Equipment out of service</source>
        <translation>معدات خارج الخدمة</translation>
    </message>
    <message>
        <source>Limits and temporary arrangements in force</source>
        <translation>الحدود والترتيبات المؤقتة السارية</translation>
    </message>
    <message>
        <source>Planned work next shift</source>
        <translation>الأعمال المخططة في النوبة التالية</translation>
    </message>
    <message>
        <source>Open log items</source>
        <translation>بنود السجل المفتوحة</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>حرج</translation>
    </message>
    <message>
        <source>high</source>
        <translation>عالٍ</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>low</source>
        <translation>منخفض</translation>
    </message>
    <message>
        <source>diagnostic</source>
        <translation>تشخيصي</translation>
    </message>
    <message>
        <source>operations</source>
        <translation>العمليات</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>الصيانة</translation>
    </message>
    <message>
        <source>safety</source>
        <translation>السلامة</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>العميل</translation>
    </message>
    <message>
        <source>Hand over shift</source>
        <translation>تسليم النوبة</translation>
    </message>
    <message>
        <source>Shift handed over: {0}</source>
        <translation>سُلِّمت النوبة: {0}</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>اسمك</translation>
    </message>
    <message>
        <source>What the next shift must know: what was done, what to watch (plain text)</source>
        <translation>ما يجب أن تعرفه النوبة التالية: ما أُنجز وما يجب مراقبته (نص عادي)</translation>
    </message>
    <message>
        <source>Outgoing operator</source>
        <translation>المشغّل المسلِّم</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>الملخص</translation>
    </message>
    <message>
        <source>Refresh the checklist</source>
        <translation>تحديث قائمة التحقق</translation>
    </message>
    <message>
        <source>Read the live data again; an item whose content changed is unticked</source>
        <translation>إعادة قراءة البيانات المباشرة؛ يُلغى تحديد البند الذي تغيّر محتواه</translation>
    </message>
    <message>
        <source>the incoming operator&apos;s name</source>
        <translation>اسم المشغّل المستلم</translation>
    </message>
    <message>
        <source>Incoming operator</source>
        <translation>المشغّل المستلم</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>تسليم</translation>
    </message>
    <message>
        <source>Checklist (tick each item once you have gone over it with the incoming operator)</source>
        <translation>قائمة التحقق (ضع علامة على كل بند بعد مراجعته مع المشغّل المستلم)</translation>
    </message>
    <message>
        <source>No limit or temporary arrangement in force.</source>
        <translation>لا حدود ولا ترتيبات مؤقتة سارية.</translation>
    </message>
    <message>
        <source>No open log item.</source>
        <translation>لا بنود مفتوحة في السجل.</translation>
    </message>
    <message>
        <source>No power data received.</source>
        <translation>لم تُستلم بيانات القدرة.</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>غ/م</translation>
    </message>
    <message>
        <source>Facility load {0} MW · IT load {1} MW · PUE {2} · renewable share {3} %</source>
        <translation>حمل المنشأة {0} MW · حمل IT {1} MW · PUE {2} · حصة المتجددة {3} %</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>جارٍ الاتصال</translation>
    </message>
    <message>
        <source>live</source>
        <translation>مباشر</translation>
    </message>
    <message>
        <source>missed poll</source>
        <translation>استطلاع فائت</translation>
    </message>
    <message>
        <source>COMM LOSS</source>
        <translation>انقطاع الاتصال</translation>
    </message>
    <message>
        <source>Communication: {0}; data age {1}</source>
        <translation>الاتصال: {0}؛ عمر البيانات {1}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>لا شيء</translation>
    </message>
    <message>
        <source>No alarm list received yet.</source>
        <translation>لم تُستلم قائمة الإنذارات بعد.</translation>
    </message>
    <message>
        <source>Unacknowledged: {0}</source>
        <translation>دون إقرار: {0}</translation>
    </message>
    <message>
        <source>Acknowledged, still standing: {0}</source>
        <translation>مُقَرّ بها وما زالت قائمة: {0}</translation>
    </message>
    <message>
        <source>Shelved: {0}</source>
        <translation>معلّقة: {0}</translation>
    </message>
    <message>
        <source>until {0}</source>
        <translation>حتى {0}</translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation>بلا انتهاء</translation>
    </message>
    <message>
        <source>{0} {1}: {2} — {3}</source>
        <translation>{0} {1}: {2} — {3}</translation>
    </message>
    <message>
        <source>… and {0} more</source>
        <translation>… و{0} أخرى</translation>
    </message>
    <message>
        <source>Suppressed or out of service: {0}</source>
        <translation>مكبوتة أو خارج الخدمة: {0}</translation>
    </message>
    <message>
        <source>No maintenance list received yet.</source>
        <translation>لم تُستلم قائمة الصيانة بعد.</translation>
    </message>
    <message>
        <source>Maintenance list: {0} devices</source>
        <translation>قائمة الصيانة: {0} أجهزة</translation>
    </message>
    <message>
        <source>Servers with an unhealthy GPU: {0} drained · {1} in maintenance · {2} down</source>
        <translation>خوادم بها GPU معتلّة: {0} مُفرَّغة · {1} في الصيانة · {2} متوقفة</translation>
    </message>
    <message>
        <source>The shift log could not be read: {0}</source>
        <translation>تعذّرت قراءة سجل النوبة: {0}</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>{0} open items</source>
        <translation>{0} بنود مفتوحة</translation>
    </message>
    <message>
        <source>{0} {1} ({2}): {3}</source>
        <translation>{0} {1} ({2}): {3}</translation>
    </message>
    <message>
        <source>No alarm list received yet (planned work comes with it).</source>
        <translation>لم تُستلم قائمة الإنذارات بعد (تأتي الأعمال المخططة معها).</translation>
    </message>
    <message>
        <source>No planned work in force or starting within 12 h.</source>
        <translation>لا أعمال مخططة سارية أو تبدأ خلال 12 س.</translation>
    </message>
    <message>
        <source>in force until {0}</source>
        <translation>ساري حتى {0}</translation>
    </message>
    <message>
        <source>{0} to {1}</source>
        <translation>{0} إلى {1}</translation>
    </message>
    <message>
        <source>{0}: {1} — {2} ({3})</source>
        <translation>{0}: {1} — {2} ({3})</translation>
    </message>
    <message>
        <source>Tick every checklist item ({0} left).</source>
        <translation>ضع علامة على كل بنود القائمة ({0} متبقية).</translation>
    </message>
    <message>
        <source>Give the outgoing operator&apos;s name.</source>
        <translation>أدخل اسم المشغّل المسلِّم.</translation>
    </message>
    <message>
        <source>The incoming operator gives their name to take the shift over.</source>
        <translation>يُدخل المشغّل المستلم اسمه لاستلام النوبة.</translation>
    </message>
    <message>
        <source>The incoming operator must be someone else than the outgoing one.</source>
        <translation>يجب أن يكون المشغّل المستلم شخصاً غير المسلِّم.</translation>
    </message>
    <message>
        <source>Not handed over: {0}</source>
        <translation>لم يتم التسليم: {0}</translation>
    </message>
    <message>
        <source>Not handed over: this window has no live session to journal the handover.</source>
        <translation>لم يتم التسليم: هذه النافذة بلا جلسة مباشرة لتسجيل التسليم.</translation>
    </message>
    <message>
        <source>Shift handed over from {0} to {1} at {2}; journaled.</source>
        <translation>سُلِّمت النوبة من {0} إلى {1} في {2}؛ وسُجِّلت.</translation>
    </message>
</context>
<context>
    <name>IdleGpuView</name>
    <message>
        <source>Job</source>
        <translation>المهمة</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>العميل</translation>
    </message>
    <message>
        <source>Racks</source>
        <translation>الخزائن</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>وحدات GPU</translation>
    </message>
    <message>
        <source>Idle since</source>
        <translation>خامل منذ</translation>
    </message>
    <message>
        <source>Idle for</source>
        <translation>مدة الخمول</translation>
    </message>
    <message>
        <source>GPU-h wasted</source>
        <translation>ساعات GPU مهدرة</translation>
    </message>
    <message>
        <source>kWh wasted</source>
        <translation>كيلوواط ساعة مهدرة</translation>
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation>استخدام وحدات GPU</translation>
    </message>
    <message>
        <source>Idle allocated GPUs are read from the history cache.</source>
        <translation>تُقرأ وحدات GPU المخصصة الخاملة من ذاكرة السجل.</translation>
    </message>
    <message>
        <source>Idle GPUs not read: {0}</source>
        <translation>لم تُقرأ وحدات GPU الخاملة: {0}</translation>
    </message>
    <message>
        <source>{jobs} job(s) holding {gpus} GPU(s) under {pct} % utilisation for at least {mins} min, at {time} ({checked} running jobs looked at); {kwh} kWh drawn while idle</source>
        <translation>{jobs} مهمة تحجز {gpus} وحدة GPU بأقل من {pct} % استخدام لمدة {mins} دقيقة على الأقل، عند {time} (فُحصت {checked} مهمة جارية)؛ {kwh} كيلوواط ساعة استُهلكت أثناء الخمول</translation>
    </message>
    <message>
        <source>{own} judged by the job&apos;s own utilisation, {bound} by the bound of its racks&apos; means</source>
        <translation>{own} حُكم عليها باستخدام المهمة نفسها، و{bound} بحدّ متوسطات خزائنها</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} دقيقة</translation>
    </message>
    <message>
        <source>{0} % (job&apos;s own)</source>
        <translation>{0} % (خاص بالمهمة)</translation>
    </message>
    <message>
        <source>≤ {0} % (racks&apos; bound)</source>
        <translation>≤ {0} % (حدّ الخزائن)</translation>
    </message>
</context>
<context>
    <name>JobQueueView</name>
    <message>
        <source>All partitions</source>
        <translation>كل الأقسام</translation>
    </message>
    <message>
        <source>All tenant kinds</source>
        <translation>كل أنواع المستأجرين</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>كل الحالات</translation>
    </message>
    <message>
        <source>user</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>search id, name, tenant, user, rack, reason…</source>
        <translation>ابحث عن المعرّف أو الاسم أو المستأجر أو المستخدم أو الرف أو السبب…</translation>
    </message>
    <message>
        <source>no jobs</source>
        <translation>لا مهام</translation>
    </message>
    <message>
        <source>showing {0} of {1} jobs</source>
        <translation>عرض {0} من {1} مهمة</translation>
    </message>
    <message>
        <source>⚠ {0} jobs on racks with unhealthy GPUs</source>
        <translation>⚠ {0} مهمة على خزائن بها وحدات GPU معطوبة</translation>
    </message>
    <message>
        <source>⚠ STALE: jobs data {0} old</source>
        <translation>⚠ قديمة: عمر بيانات المهام {0}</translation>
    </message>
    <message>
        <source>⚠ {0} invalid job records dropped (no job id or state)</source>
        <translation>⚠ أُسقط {0} سجل مهمة غير صالح (بلا معرّف أو حالة)</translation>
    </message>
    <message>
        <source>Job {id} “{name}” by {user} of {tenant} · {partition} · {state}</source>
        <translation>المهمة {id} «{name}» من {user} لدى {tenant} · {partition} · {state}</translation>
    </message>
    <message>
        <source> · job array: {n} tasks pending</source>
        <translation> · مصفوفة مهام: {n} مهمة قيد الانتظار</translation>
    </message>
    <message>
        <source> · racks {racks}</source>
        <translation> · الرفوف {racks}</translation>
    </message>
    <message>
        <source> · ⚠ on a rack with unhealthy GPUs</source>
        <translation> · ⚠ على رف به وحدات GPU معتلّة</translation>
    </message>
</context>
<context>
    <name>JobWords</name>
    <message>
        <source>waiting for 1 free node in partition {0}</source>
        <translation>تنتظر عقدة حرة واحدة في القسم {0}</translation>
    </message>
    <message>
        <source>waiting for {0} free nodes in partition {1}</source>
        <translation>تنتظر {0} عقدة حرة في القسم {1}</translation>
    </message>
    <message>
        <source>waiting for free nodes in partition {0}</source>
        <translation>تنتظر عقدًا حرة في القسم {0}</translation>
    </message>
    <message>
        <source>waiting for 1 free GPU in partition {0}</source>
        <translation>تنتظر وحدة GPU حرة واحدة في القسم {0}</translation>
    </message>
    <message>
        <source>waiting for {0} free GPUs in partition {1}</source>
        <translation>تنتظر {0} وحدة GPU حرة في القسم {1}</translation>
    </message>
    <message>
        <source>{0} of {1} free now</source>
        <translation>{0} من {1} حرة الآن</translation>
    </message>
    <message>
        <source>{0} jobs pending there</source>
        <translation>{0} مهمة معلّقة هناك</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>{0} array tasks, each {1}</source>
        <translation>{0} مهمة من مصفوفة، كل منها {1}</translation>
    </message>
    <message>
        <source>pending, no reason given yet</source>
        <translation>معلّقة، لم يُذكر سبب بعد</translation>
    </message>
    <message>
        <source>held until the begin time its submitter set</source>
        <translation>محتجزة حتى وقت البدء الذي حدده مُرسِلها</translation>
    </message>
    <message>
        <source>asked not to start before its begin time: starts at {0} at the earliest</source>
        <translation>طُلب ألا تبدأ قبل وقت بدئها: تبدأ في {0} على أقرب تقدير</translation>
    </message>
    <message>
        <source>pending: Slurm reason {0}</source>
        <translation>معلّقة: سبب Slurm هو {0}</translation>
    </message>
    <message>
        <source>{0} — Slurm: {1}</source>
        <translation>{0} — Slurm: {1}</translation>
    </message>
    <message>
        <source>a later time</source>
        <translation>وقت لاحق</translation>
    </message>
    <message>
        <source>queued behind higher-priority jobs in partition {partition}</source>
        <translation>في الطابور خلف مهام ذات أولوية أعلى في القسم {partition}</translation>
    </message>
    <message>
        <source>waiting for another job it depends on to finish</source>
        <translation>تنتظر انتهاء مهمة أخرى تعتمد عليها</translation>
    </message>
    <message>
        <source>will never start: a job it depends on failed or was cancelled</source>
        <translation>لن تبدأ أبدًا: فشلت مهمة تعتمد عليها أو أُلغيت</translation>
    </message>
    <message>
        <source>held by its owner {user}; they must release it (scontrol release)</source>
        <translation>محتجزة من مالكها {user}؛ عليه تحريرها (scontrol release)</translation>
    </message>
    <message>
        <source>held by an administrator; release it with scontrol release</source>
        <translation>محتجزة من مسؤول؛ حرّرها بالأمر scontrol release</translation>
    </message>
    <message>
        <source>asked not to start before {begin}</source>
        <translation>طُلب ألا تبدأ قبل {begin}</translation>
    </message>
    <message>
        <source>partition {partition} is down; nothing starts there until it is up</source>
        <translation>القسم {partition} متوقف؛ لا يبدأ فيه شيء حتى يعود</translation>
    </message>
    <message>
        <source>partition {partition} is inactive; nothing starts there</source>
        <translation>القسم {partition} غير نشط؛ لا يبدأ فيه شيء</translation>
    </message>
    <message>
        <source>asks for more nodes ({nodes}) than partition {partition} allows</source>
        <translation>تطلب عقدًا ({nodes}) أكثر مما يسمح به القسم {partition}</translation>
    </message>
    <message>
        <source>asks for more time than partition {partition} allows</source>
        <translation>تطلب وقتًا أطول مما يسمح به القسم {partition}</translation>
    </message>
    <message>
        <source>a node it needs is down, drained or reserved</source>
        <translation>عقدة تحتاجها متوقفة أو مُفرَّغة أو محجوزة</translation>
    </message>
    <message>
        <source>a node it needs is down</source>
        <translation>عقدة تحتاجها متوقفة</translation>
    </message>
    <message>
        <source>user {user} already uses the most GPUs their QOS allows</source>
        <translation>المستخدم {user} يستعمل أقصى عدد من وحدات GPU تسمح به جودة خدمته (QOS)</translation>
    </message>
    <message>
        <source>the QOS group has used up its GPU allowance</source>
        <translation>استنفدت مجموعة QOS حصتها من وحدات GPU</translation>
    </message>
    <message>
        <source>tenant {tenant} already uses its whole GPU allocation</source>
        <translation>العميل {tenant} يستعمل كامل حصته من وحدات GPU</translation>
    </message>
    <message>
        <source>tenant {tenant} has spent its GPU-hours budget</source>
        <translation>استنفد العميل {tenant} ميزانية ساعات GPU</translation>
    </message>
    <message>
        <source>tenant {tenant} runs the most jobs it is allowed at once</source>
        <translation>العميل {tenant} يشغّل أقصى عدد مسموح من المهام في آن واحد</translation>
    </message>
    <message>
        <source>tenant {tenant} runs the most jobs its group is allowed at once</source>
        <translation>العميل {tenant} يشغّل أقصى عدد مسموح لمجموعته من المهام في آن واحد</translation>
    </message>
    <message>
        <source>user {user} runs the most jobs their QOS allows at once</source>
        <translation>المستخدم {user} يشغّل أقصى عدد من المهام تسمح به QOS في آن واحد</translation>
    </message>
    <message>
        <source>the QOS runs the most jobs it is allowed at once</source>
        <translation>تشغّل QOS أقصى عدد مسموح من المهام في آن واحد</translation>
    </message>
    <message>
        <source>the QOS resource limit is reached</source>
        <translation>بُلغ حد موارد QOS</translation>
    </message>
    <message>
        <source>waiting for its reservation to start</source>
        <translation>تنتظر بدء حجزها</translation>
    </message>
    <message>
        <source>waiting for a licence</source>
        <translation>تنتظر ترخيصًا</translation>
    </message>
    <message>
        <source>its job array runs the most tasks it is allowed at once</source>
        <translation>مصفوفة مهامها تشغّل أقصى عدد مسموح من المهام في آن واحد</translation>
    </message>
    <message>
        <source>will never start: its constraints match no node</source>
        <translation>لن تبدأ أبدًا: قيودها لا تطابق أي عقدة</translation>
    </message>
    <message>
        <source>will never start: its account is invalid</source>
        <translation>لن تبدأ أبدًا: حسابها غير صالح</translation>
    </message>
    <message>
        <source>will never start: its QOS is invalid</source>
        <translation>لن تبدأ أبدًا: QOS الخاصة بها غير صالحة</translation>
    </message>
    <message>
        <source>starting: the prolog script is running</source>
        <translation>تبدأ: سكربت prolog قيد التشغيل</translation>
    </message>
    <message>
        <source>waiting for burst-buffer space</source>
        <translation>تنتظر مساحة في burst buffer</translation>
    </message>
    <message>
        <source>waiting for nodes to finish cleaning up after a previous job</source>
        <translation>تنتظر أن تُنهي العقد التنظيف بعد مهمة سابقة</translation>
    </message>
    <message>
        <source>launch failed; requeued and held, an administrator must look</source>
        <translation>فشل الإطلاق؛ أُعيدت إلى الطابور واحتُجزت، على مسؤول أن ينظر فيها</translation>
    </message>
    <message>
        <source>PENDING</source>
        <translation>معلّقة</translation>
    </message>
    <message>
        <source>RUNNING</source>
        <translation>قيد التشغيل</translation>
    </message>
    <message>
        <source>COMPLETED</source>
        <translation>مكتملة</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>فاشلة</translation>
    </message>
    <message>
        <source>CANCELLED</source>
        <translation>ملغاة</translation>
    </message>
    <message>
        <source>TIMEOUT</source>
        <translation>انتهت مهلتها</translation>
    </message>
    <message>
        <source>COMPLETING</source>
        <translation>قيد الإنهاء</translation>
    </message>
    <message>
        <source>NODE_FAIL</source>
        <translation>عطل عقدة</translation>
    </message>
    <message>
        <source>SUSPENDED</source>
        <translation>موقوفة مؤقتًا</translation>
    </message>
</context>
<context>
    <name>JobsTableModel</name>
    <message>
        <source>Site time ({0})</source>
        <translation>توقيت الموقع ({0})</translation>
    </message>
    <message>
        <source>{0} ({1} tasks × {2})</source>
        <translation>{0} ({1} مهام × {2})</translation>
    </message>
</context>
<context>
    <name>LogEntryDialog</name>
    <message>
        <source>Add shift-log entry</source>
        <translation>إضافة مدخل إلى سجل النوبة</translation>
    </message>
    <message>
        <source>What was done, what is out of service, what the next shift must do</source>
        <translation>ما أُنجز، وما هو خارج الخدمة، وما يجب على النوبة التالية فعله</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>اسمك</translation>
    </message>
    <message>
        <source>Open item: carried to every handover until someone clears it</source>
        <translation>بند مفتوح: يُنقل إلى كل تسليم حتى يغلقه أحد</translation>
    </message>
    <message>
        <source>Untick a link to leave it out of the entry</source>
        <translation>ألغِ تحديد رابط لاستبعاده من المدخل</translation>
    </message>
    <message>
        <source>Nothing selected to link (select a rack, an alarm or a job first to link it)</source>
        <translation>لا شيء محدد للربط (حدد رفاً أو إنذاراً أو مهمة أولاً لربطه)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>الفئة</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>الكاتب</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>الروابط</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>كتابة</translation>
    </message>
    <message>
        <source>{0} of {1} characters</source>
        <translation>{0} من {1} حرفاً</translation>
    </message>
    <message>
        <source>Not written: {0}</source>
        <translation>لم يُكتب: {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Rack map</source>
        <translation>خريطة الرفوف</translation>
    </message>
    <message>
        <source>GPU health</source>
        <translation>صحة وحدات GPU</translation>
    </message>
    <message>
        <source>Maintenance list</source>
        <translation>قائمة الصيانة</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>الإنذارات</translation>
    </message>
    <message>
        <source>Power and renewables</source>
        <translation>القدرة والطاقات المتجددة</translation>
    </message>
    <message>
        <source>Job queue</source>
        <translation>قائمة انتظار المهام</translation>
    </message>
    <message>
        <source>Shift log</source>
        <translation>سجل النوبة</translation>
    </message>
    <message>
        <source>Energy steering</source>
        <translation>توجيه الطاقة</translation>
    </message>
    <message>
        <source>Energy by tenant</source>
        <translation>الطاقة حسب العميل</translation>
    </message>
    <message>
        <source>Idle allocated GPUs</source>
        <translation>وحدات GPU مخصصة خاملة</translation>
    </message>
    <message>
        <source>Hub Operations Console — {0}</source>
        <translation>وحدة تحكم عمليات المحور — {0}</translation>
    </message>
    <message>
        <source>Hub Operations Console — Review of {0}</source>
        <translation>وحدة تحكم عمليات المحور — مراجعة {0}</translation>
    </message>
    <message>
        <source>review — {0}</source>
        <translation>مراجعة — {0}</translation>
    </message>
    <message>
        <source>REVIEW (offline)</source>
        <translation>مراجعة (دون اتصال)</translation>
    </message>
    <message>
        <source>as at {0}</source>
        <translation>كما في {0}</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>جارٍ الفتح…</translation>
    </message>
    <message>
        <source>Alarm action refused: {0}</source>
        <translation>رُفض الإجراء على الإنذار: {0}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;ملف</translation>
    </message>
    <message>
        <source>&amp;Open cache for review…</source>
        <translation>&amp;فتح ملف مؤقت للمراجعة…</translation>
    </message>
    <message>
        <source>&amp;Export handover…</source>
        <translation>&amp;تصدير التسليم…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;خروج</translation>
    </message>
    <message>
        <source>&amp;Hand over shift…</source>
        <translation>&amp;تسليم النوبة…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;تحرير</translation>
    </message>
    <message>
        <source>Add log &amp;entry…</source>
        <translation>إضافة &amp;مدخل إلى السجل…</translation>
    </message>
    <message>
        <source>A review shows the shift log as it stood; entries are written in the live console</source>
        <translation>تعرض المراجعة سجل النوبة كما كان؛ تُكتب المدخلات في وحدة التحكم المباشرة</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;عرض</translation>
    </message>
    <message>
        <source>&amp;Full screen</source>
        <translation>&amp;ملء الشاشة</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>إعادة &amp;ضبط التخطيط</translation>
    </message>
    <message>
        <source>&amp;Layouts</source>
        <translation>&amp;تخطيطات</translation>
    </message>
    <message>
        <source>&amp;Wall mode…</source>
        <translation>وضع &amp;الجدار…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>م&amp;ساعدة</translation>
    </message>
    <message>
        <source>&amp;Data sources…</source>
        <translation>&amp;مصادر البيانات…</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;حول</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>المصدر: {0}</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>جارٍ الاتصال…</translation>
    </message>
    <message>
        <source>data age: —</source>
        <translation>عمر البيانات: —</translation>
    </message>
    <message>
        <source>Job {0} is not in the job queue yet; it is selected when it arrives</source>
        <translation>المهمة {0} ليست في قائمة الانتظار بعد؛ ستُحدَّد عند وصولها</translation>
    </message>
    <message>
        <source>The shift log is written in the live console; a review shows it as it stood</source>
        <translation>يُكتب سجل النوبة في وحدة التحكم المباشرة؛ وتعرضه المراجعة كما كان</translation>
    </message>
    <message>
        <source>Shift log not written: {0}</source>
        <translation>لم يُكتب سجل النوبة: {0}</translation>
    </message>
    <message>
        <source>Job {0} is not a job number</source>
        <translation>{0} ليس رقم مهمة</translation>
    </message>
    <message>
        <source>Alarm {0} is not in the alarm list now</source>
        <translation>الإنذار {0} ليس في قائمة الإنذارات الآن</translation>
    </message>
    <message>
        <source>Incident {0}: open the cache for review (File → Open cache for review…) to replay it</source>
        <translation>الحادث {0}: افتح الملف المؤقت للمراجعة (ملف ← فتح ملف مؤقت للمراجعة…) لإعادة تشغيله</translation>
    </message>
    <message>
        <source>Showing the floor as last recorded, {0} ago, until the source answers</source>
        <translation>عرض القاعة كما سُجّلت آخر مرة، قبل {0}، إلى أن يجيب المصدر</translation>
    </message>
    <message>
        <source>Rack {0}: {1}</source>
        <translation>الرف {0}: {1}</translation>
    </message>
    <message>
        <source>{uuid} is not on the maintenance list</source>
        <translation>{uuid} ليس في قائمة الصيانة</translation>
    </message>
    <message>
        <source>Alarm evaluation works again</source>
        <translation>تقييم الإنذارات يعمل من جديد</translation>
    </message>
    <message>
        <source>Cannot start the data source — {0}</source>
        <translation>تعذّر تشغيل مصدر البيانات — {0}</translation>
    </message>
    <message>
        <source>source failed</source>
        <translation>فشل المصدر</translation>
    </message>
    <message>
        <source>the data source did not start</source>
        <translation>لم يبدأ مصدر البيانات</translation>
    </message>
    <message>
        <source>History cache unavailable — {0}. Live view continues; nothing is recorded until the cache works again (retrying).</source>
        <translation>ذاكرة السجل التاريخي غير متاحة — {0}. يستمر العرض المباشر؛ لا يُسجَّل شيء حتى تعمل الذاكرة مجدداً (إعادة المحاولة).</translation>
    </message>
    <message>
        <source>History cache works again — recording resumed ({0} polls not recorded).</source>
        <translation>عادت ذاكرة السجل التاريخي للعمل — استؤنف التسجيل ({0} استطلاعات لم تُسجَّل).</translation>
    </message>
    <message>
        <source>{0} alarm or maintenance records were dropped.</source>
        <translation>أُسقط {0} من سجلات الإنذار أو الصيانة.</translation>
    </message>
    <message>
        <source> · hub clock {0:+.0f} s</source>
        <translation> · ساعة المحور {0:+.0f} ث</translation>
    </message>
    <message>
        <source> · hub clock off by {0}</source>
        <translation> · ساعة المحور منحرفة بمقدار {0}</translation>
    </message>
    <message>
        <source>data age: {0}</source>
        <translation>عمر البيانات: {0}</translation>
    </message>
    <message>
        <source>● live</source>
        <translation>● مباشر</translation>
    </message>
    <message>
        <source>missed poll</source>
        <translation>استطلاع فائت</translation>
    </message>
    <message>
        <source>COMM LOSS</source>
        <translation>انقطاع الاتصال</translation>
    </message>
    <message>
        <source>missed poll — {0}</source>
        <translation>استطلاع فائت — {0}</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>لا رد</translation>
    </message>
    <message>
        <source>COMM LOSS — no answer yet from the source: {0}.</source>
        <translation>انقطاع الاتصال — لا رد من المصدر بعد: {0}.</translation>
    </message>
    <message>
        <source>COMM LOSS — last answer {0} ago: {1}. Figures shown are stale.</source>
        <translation>انقطاع الاتصال — آخر رد منذ {0}: {1}. الأرقام المعروضة قديمة.</translation>
    </message>
    <message>
        <source>{0} racks no data</source>
        <translation>{0} رفوف بلا بيانات</translation>
    </message>
    <message>
        <source>{0} unknown racks in telemetry</source>
        <translation>{0} رفوف مجهولة في القياس عن بُعد</translation>
    </message>
    <message>
        <source>{0} invalid job records dropped</source>
        <translation>أُسقط {0} من سجلات المهام غير الصالحة</translation>
    </message>
    <message>
        <source>&amp;Save layout…</source>
        <translation>&amp;حفظ التخطيط…</translation>
    </message>
    <message>
        <source>Load “{0}”</source>
        <translation>تحميل «{0}»</translation>
    </message>
    <message>
        <source>&amp;Delete layout</source>
        <translation>&amp;حذف التخطيط</translation>
    </message>
    <message>
        <source>Save layout</source>
        <translation>حفظ التخطيط</translation>
    </message>
    <message>
        <source>Layout name:</source>
        <translation>اسم التخطيط:</translation>
    </message>
    <message>
        <source>Layout “{0}” saved</source>
        <translation>حُفظ التخطيط «{0}»</translation>
    </message>
    <message>
        <source>No layout named “{0}”</source>
        <translation>لا تخطيط باسم «{0}»</translation>
    </message>
    <message>
        <source>Wall mode: {0}</source>
        <translation>وضع الجدار: {0}</translation>
    </message>
</context>
<context>
    <name>MaintenanceModel</name>
    <message>
        <source>{n} devices</source>
        <translation>{n} أجهزة</translation>
    </message>
    <message>
        <source>{k} of {n} devices</source>
        <translation>{k} من {n} أجهزة</translation>
    </message>
    <message>
        <source>{detail}
NVML recovery action: {nvml}</source>
        <translation>{detail}
إجراء الاسترداد NVML: {nvml}</translation>
    </message>
    <message>
        <source>GPU {slot} · {uuid}</source>
        <translation>GPU {slot} · {uuid}</translation>
    </message>
    <message>
        <source>{uuid}
{model}, slot {slot} of {node}</source>
        <translation>{uuid}
{model}، الفتحة {slot} في {node}</translation>
    </message>
    <message>
        <source>first reported {first}; latest report {last}</source>
        <translation>أول إبلاغ {first}؛ آخر إبلاغ {last}</translation>
    </message>
    <message>
        <source>reported faulty {n} time(s) within 24 h</source>
        <translation>أُبلغ عن عطله {n} مرة خلال 24 س</translation>
    </message>
</context>
<context>
    <name>MaintenanceView</name>
    <message>
        <source>{clock} ({ago} ago)</source>
        <translation>{clock} (منذ {ago})</translation>
    </message>
    <message>
        <source>Site time ({zone})</source>
        <translation>توقيت الموقع ({zone})</translation>
    </message>
    <message>
        <source>Filter: rack, node, UUID, XID, job, tenant, action… (all words)</source>
        <translation>تصفية: رف، عقدة، UUID، XID، مهمة، مستأجر، إجراء… (كل الكلمات)</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>لا بيانات بعد</translation>
    </message>
    <message>
        <source>no maintenance list yet</source>
        <translation>لا قائمة صيانة بعد</translation>
    </message>
    <message>
        <source>no maintenance list recorded at this time</source>
        <translation>لا قائمة صيانة مسجلة في هذا الوقت</translation>
    </message>
    <message>
        <source>{k} of {n} devices to service</source>
        <translation>{k} من {n} أجهزة تحتاج خدمة</translation>
    </message>
    <message>
        <source>{n} devices to service</source>
        <translation>{n} أجهزة تحتاج خدمة</translation>
    </message>
    <message>
        <source>{u} urgent</source>
        <translation>{u} عاجلة</translation>
    </message>
    <message>
        <source>{s} throttled GPUs explained by site alarms</source>
        <translation>{s} وحدة GPU مخفّضة التردد تفسّرها إنذارات الموقع</translation>
    </message>
    <message>
        <source>list {age} old ({clock} {zone})</source>
        <translation>عمر القائمة {age} ({clock} {zone})</translation>
    </message>
    <message>
        <source> — STALE</source>
        <translation> — قديمة</translation>
    </message>
    <message>
        <source>Drain and return for repair (RMA)</source>
        <translation>تفريغ وإرجاع للإصلاح (RMA)</translation>
    </message>
    <message>
        <source>Row remapping failed (no spare rows) or the same hardware fault came back {0} times within 24 h: drain the node and replace the GPU.</source>
        <translation>فشلت إعادة تعيين الصف (لا صفوف احتياطية) أو عاد العطل العتادي نفسه {0} مرات خلال 24 س: أفرغ العقدة واستبدل GPU.</translation>
    </message>
    <message>
        <source>Reboot / power-cycle the node</source>
        <translation>إعادة تشغيل العقدة / قطع تغذيتها وإعادتها</translation>
    </message>
    <message>
        <source>GPU off the bus: drain the node and power-cycle it; check PCIe seating, power and cooling.</source>
        <translation>GPU خارج الناقل: أفرغ العقدة وأعد تشغيلها كهربائيًا؛ تحقّق من تثبيت PCIe والتغذية والتبريد.</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU</source>
        <translation>تفريغ العقدة وإعادة ضبط GPU</translation>
    </message>
    <message>
        <source>Uncorrectable ECC, micro-controller or GSP error: drain the node now, reset the GPU, run DCGM diagnostics before it takes jobs again.</source>
        <translation>خطأ ECC غير قابل للتصحيح أو خطأ في المتحكم الدقيق أو GSP: أفرغ العقدة الآن، أعد ضبط GPU، شغّل تشخيصات DCGM قبل أن يستقبل مهام مجددًا.</translation>
    </message>
    <message>
        <source>Drain NVLink traffic and reset the GPU</source>
        <translation>تفريغ حركة NVLink وإعادة ضبط GPU</translation>
    </message>
    <message>
        <source>NVLink error: drain the node&apos;s peer-to-peer work, reset the GPU, check the NVLink cabling and NVSwitch tray.</source>
        <translation>خطأ NVLink: أفرغ عمل العقدة من نظير إلى نظير، أعد ضبط GPU، تحقّق من كابلات NVLink ودرج NVSwitch.</translation>
    </message>
    <message>
        <source>Check cooling of the GPU</source>
        <translation>فحص تبريد GPU</translation>
    </message>
    <message>
        <source>Thermal throttling with no site cause: check the server&apos;s fans or cold plate flow and the GPU&apos;s seating.</source>
        <translation>إبطاء حراري دون سبب من المنشأة: تحقّق من مراوح الخادم أو تدفق اللوح البارد وتثبيت GPU.</translation>
    </message>
    <message>
        <source>Check the node&apos;s power supplies</source>
        <translation>فحص مزودات طاقة العقدة</translation>
    </message>
    <message>
        <source>Power brake asserted with no site cause: check the server&apos;s power supplies and its PDU outlets.</source>
        <translation>مكبح القدرة مفعّل دون سبب من المنشأة: تحقّق من مزوّدات طاقة الخادم ومخارج PDU.</translation>
    </message>
    <message>
        <source>Reset the GPU at the next drain</source>
        <translation>إعادة ضبط GPU عند التفريغ القادم</translation>
    </message>
    <message>
        <source>Row remap pending, contained ECC error or many correctable errors: the GPU works; reset it when the node is next drained.</source>
        <translation>إعادة تعيين صف معلّقة أو خطأ ECC محتوى أو أخطاء كثيرة قابلة للتصحيح: GPU يعمل؛ أعد ضبطه عند إفراغ العقدة في المرة القادمة.</translation>
    </message>
    <message>
        <source>Run diagnostics at the next drain</source>
        <translation>تشغيل التشخيص عند التفريغ القادم</translation>
    </message>
    <message>
        <source>Cause unknown or XID not in the catalogue: run DCGM diagnostics (dcgmi diag -r 3) when the node is next drained.</source>
        <translation>سبب مجهول أو XID غير موجود في الفهرس: شغّل تشخيصات DCGM (dcgmi diag -r 3) عند إفراغ العقدة في المرة القادمة.</translation>
    </message>
    <message>
        <source>Restart the application (job&apos;s problem, GPU healthy)</source>
        <translation>إعادة تشغيل التطبيق (مشكلة المهمة، GPU سليمة)</translation>
    </message>
    <message>
        <source>Application XID: the job hit a fault of its own; tell the tenant. Watch for the same XID with other jobs on this GPU.</source>
        <translation>XID تطبيق: واجهت المهمة خطأً خاصًا بها؛ أبلغ المستأجر. راقب ظهور XID نفسه مع مهام أخرى على هذا GPU.</translation>
    </message>
</context>
<context>
    <name>PduBars</name>
    <message>
        <source>no PDU readings</source>
        <translation>لا قراءات PDU</translation>
    </message>
    <message>
        <source>Feed {0} </source>
        <translation>التغذية {0} </translation>
    </message>
    <message>
        <source>Feed {0}</source>
        <translation>التغذية {0}</translation>
    </message>
    <message>
        <source>TRIPPED</source>
        <translation>مفصول</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>لا بيانات</translation>
    </message>
</context>
<context>
    <name>PlanList</name>
    <message>
        <source>Cancel plan…</source>
        <translation>إلغاء الخطة…</translation>
    </message>
    <message>
        <source>in force until {end}</source>
        <translation>ساري حتى {end}</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>{start} إلى {end}</translation>
    </message>
    <message>
        <source>{scope} · {when} · {operator}: {reason}</source>
        <translation>{scope} · {when} · {operator}: {reason}</translation>
    </message>
    <message>
        <source>Planned work {id}: alarms of {scope} raised from {start} to {end} are shelved until {end}.
By {operator}: {reason}</source>
        <translation>الأعمال المخططة {id}: إنذارات {scope} المرفوعة من {start} إلى {end} معلّقة حتى {end}.
بواسطة {operator}: {reason}</translation>
    </message>
    <message>
        <source>Planned work ({n}), site time {zone}</source>
        <translation>الأعمال المخططة ({n})، بتوقيت الموقع {zone}</translation>
    </message>
    <message>
        <source>Times are the site&apos;s: {0}</source>
        <translation>الأوقات بتوقيت الموقع: {0}</translation>
    </message>
</context>
<context>
    <name>PlanShelfDialog</name>
    <message>
        <source>Plan work</source>
        <translation>تخطيط أعمال</translation>
    </message>
    <message>
        <source>Alarms of the scope raised between start and end are shelved at once, until the end. Every plan is journaled.</source>
        <translation>تُعلَّق فوراً إنذارات النطاق المرفوعة بين البداية والنهاية، حتى النهاية. تُسجَّل كل خطة في السجل.</translation>
    </message>
    <message>
        <source>site, hall A, row A-03, rack A-03-07 or a server</source>
        <translation>الموقع، القاعة A، الصف A-03، الرف A-03-07 أو خادم</translation>
    </message>
    <message>
        <source>Site time: {0}</source>
        <translation>توقيت الموقع: {0}</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>اسمك</translation>
    </message>
    <message>
        <source>the work, its ticket or permit</source>
        <translation>الأعمال أو تذكرتها أو تصريحها</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>النطاق</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>البداية</translation>
    </message>
    <message>
        <source>End</source>
        <translation>النهاية</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>المشغّل</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>السبب</translation>
    </message>
    <message>
        <source>give a scope</source>
        <translation>أدخل نطاقاً</translation>
    </message>
    <message>
        <source>give your name</source>
        <translation>أدخل اسمك</translation>
    </message>
    <message>
        <source>give a reason</source>
        <translation>أدخل سبباً</translation>
    </message>
    <message>
        <source>the end must be after the start</source>
        <translation>يجب أن تكون النهاية بعد البداية</translation>
    </message>
    <message>
        <source>the end must be in the future</source>
        <translation>يجب أن تكون النهاية في المستقبل</translation>
    </message>
    <message>
        <source>planned work may last at most {0:g} days</source>
        <translation>لا تتجاوز مدة الأعمال المخططة {0:g} أيام</translation>
    </message>
</context>
<context>
    <name>PowerBalanceChart</name>
    <message>
        <source>solar</source>
        <translation>شمسي</translation>
    </message>
    <message>
        <source>wind</source>
        <translation>ريحي</translation>
    </message>
    <message>
        <source>battery out</source>
        <translation>تفريغ البطارية</translation>
    </message>
    <message>
        <source>grid import</source>
        <translation>استيراد من الشبكة</translation>
    </message>
    <message>
        <source>battery in</source>
        <translation>شحن البطارية</translation>
    </message>
    <message>
        <source>curtailed</source>
        <translation>مقتطع</translation>
    </message>
    <message>
        <source>renew. %</source>
        <translation>متجدد %</translation>
    </message>
    <message>
        <source>facility load</source>
        <translation>حمل المنشأة</translation>
    </message>
    <message>
        <source>IT load</source>
        <translation>حمل IT</translation>
    </message>
    <message>
        <source>battery charge level</source>
        <translation>مستوى شحن البطارية</translation>
    </message>
    <message>
        <source>renewable share</source>
        <translation>حصة المتجددة</translation>
    </message>
    <message>
        <source>carbon intensity</source>
        <translation>كثافة الكربون</translation>
    </message>
    <message>
        <source>Not metered (not in the site profile, [site.power]): {0}</source>
        <translation>غير مُقاس (ليس في ملف الموقع، [site.power]): {0}</translation>
    </message>
    <message>
        <source>Show range</source>
        <translation>عرض المدى</translation>
    </message>
    <message>
        <source>from</source>
        <translation>من</translation>
    </message>
    <message>
        <source>to</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>Follow live</source>
        <translation>متابعة مباشرة</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>التوقّع</translation>
    </message>
    <message>
        <source>Draw the renewable supply forecast past now (median dashed, P10–P90 band)</source>
        <translation>رسم توقّع الإمداد المتجدّد بعد الآن (الوسيط متقطّع، نطاق P10–P90)</translation>
    </message>
    <message>
        <source>renewable</source>
        <translation>متجدد</translation>
    </message>
    <message>
        <source>carbon</source>
        <translation>الكربون</translation>
    </message>
    <message>
        <source>now</source>
        <translation>الآن</translation>
    </message>
    <message>
        <source>shift avg</source>
        <translation>متوسط النوبة</translation>
    </message>
    <message>
        <source>shift peak</source>
        <translation>ذروة النوبة</translation>
    </message>
    <message>
        <source>Move the mouse over the chart to read values.</source>
        <translation>حرّك الفأرة فوق الرسم لقراءة القيم.</translation>
    </message>
    <message>
        <source>renewable forecast</source>
        <translation>توقّع الطاقة المتجدّدة</translation>
    </message>
    <message>
        <source>issued {0}</source>
        <translation>صدر {0}</translation>
    </message>
    <message>
        <source>{0} envelope</source>
        <translation>سقف القدرة {0}</translation>
    </message>
    <message>
        <source>forecast absent: {0}</source>
        <translation>التوقّع غائب: {0}</translation>
    </message>
    <message>
        <source>none received yet</source>
        <translation>لم يصل أيّ توقّع بعد</translation>
    </message>
    <message>
        <source>forecast flagged: {0}</source>
        <translation>التوقّع موسوم: {0}</translation>
    </message>
    <message>
        <source>forecast not updated: {0}</source>
        <translation>التوقّع غير محدَّث: {0}</translation>
    </message>
    <message>
        <source>{0} (not metered)</source>
        <translation>{0} (غير مُقاس)</translation>
    </message>
    <message>
        <source>Envelope not given (the site layout has no capacity_mw)</source>
        <translation>سقف القدرة غير محدد (مخطط الموقع بلا capacity_mw)</translation>
    </message>
    <message>
        <source>Envelope {0}, headroom now {1}</source>
        <translation>سقف القدرة {0}، الهامش الآن {1}</translation>
    </message>
    <message>
        <source>Shift {0} (site time)</source>
        <translation>النوبة {0} (بتوقيت الموقع)</translation>
    </message>
    <message>
        <source>⚠ {0} absurd value(s) rejected, not plotted</source>
        <translation>⚠ رُفضت {0} قيمة (قيم) غير معقولة ولم تُرسم</translation>
    </message>
    <message>
        <source>⚠ STALE: power data {0} old</source>
        <translation>⚠ قديمة: عمر بيانات القدرة {0}</translation>
    </message>
    <message>
        <source>site time</source>
        <translation>بتوقيت الموقع</translation>
    </message>
    <message>
        <source> · renewable forecast (issued {0}) {1}, P10–P90 {2} to {3}</source>
        <translation> · توقّع الطاقة المتجدّدة (صدر {0}) {1}، P10–P90 من {2} إلى {3}</translation>
    </message>
    <message>
        <source> · facility {0} · IT {1} · solar {2} · wind {3} · battery out {4} · battery in {5} (SoC {6}) · grid {7} · curtailed {8} · renewable {9} · PUE {10} · carbon {11}</source>
        <translation> · المنشأة {0} · IT {1} · شمسي {2} · ريحي {3} · تفريغ البطارية {4} · شحن البطارية {5} (SoC {6}) · الشبكة {7} · مقتطع {8} · متجدد {9} · PUE {10} · كربون {11}</translation>
    </message>
    <message>
        <source> · no data (missed poll)</source>
        <translation> · لا بيانات (استطلاع فائت)</translation>
    </message>
</context>
<context>
    <name>PrintPages</name>
    <message>
        <source>Nothing to show.</source>
        <translation>لا شيء للعرض.</translation>
    </message>
    <message>
        <source>… and {0} more rows not shown on this page</source>
        <translation>… و{0} صفوف أخرى غير معروضة في هذه الصفحة</translation>
    </message>
    <message>
        <source>No power figures for this time.</source>
        <translation>لا أرقام قدرة لهذا الوقت.</translation>
    </message>
    <message>
        <source>{0:,.0f} MW envelope</source>
        <translation>سقف القدرة {0:,.0f} MW</translation>
    </message>
    <message>
        <source>site time ({0})</source>
        <translation>بتوقيت الموقع ({0})</translation>
    </message>
</context>
<context>
    <name>RackDetail</name>
    <message>
        <source>Rack power</source>
        <translation>قدرة الرف</translation>
    </message>
    <message>
        <source>Inlet</source>
        <translation>هواء الدخول</translation>
    </message>
    <message>
        <source>Hottest GPU</source>
        <translation>أسخن GPU</translation>
    </message>
    <message>
        <source>Mean GPU util</source>
        <translation>متوسط استخدام GPU</translation>
    </message>
    <message>
        <source>← Map (Esc)</source>
        <translation>→ الخريطة (Esc)</translation>
    </message>
    <message>
        <source>No rack selected</source>
        <translation>لا رف محدد</translation>
    </message>
    <message>
        <source>Show in maintenance list</source>
        <translation>عرض في قائمة الصيانة</translation>
    </message>
    <message>
        <source>Enter or double-click shows the job in the job queue</source>
        <translation>Enter أو النقر المزدوج يعرض المهمة في قائمة انتظار المهام</translation>
    </message>
    <message>
        <source>Servers and GPUs, unhealthy first</source>
        <translation>الخوادم ووحدات GPU، المعتلّة أولاً</translation>
    </message>
    <message>
        <source>Click a heading to sort; Enter or double-click on a GPU shows its job in the job queue</source>
        <translation>انقر على عنوان للفرز؛ Enter أو النقر المزدوج على GPU يعرض مهمته في قائمة انتظار المهام</translation>
    </message>
    <message>
        <source>PDU feeds: load against breaker rating (dashed: 80 %)</source>
        <translation>مغذيات PDU: الحمل مقابل تصنيف القاطع (المتقطع: 80 %)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>السجل التاريخي</translation>
    </message>
    <message>
        <source>Jobs on this rack</source>
        <translation>المهام على هذا الرف</translation>
    </message>
    <message>
        <source>Recent events</source>
        <translation>الأحداث الأخيرة</translation>
    </message>
    <message>
        <source>  hall {hall} · row {row} · {model} {type} · {cooling} cooled · {servers} servers · {gpus} GPUs, {bad} unhealthy · read {clock} ({age} ago)</source>
        <translation>  القاعة {hall} · الصف {row} · {model} {type} · تبريد {cooling} · {servers} خوادم · {gpus} GPU، منها {bad} معتلّة · قُرئ {clock} (منذ {age})</translation>
    </message>
    <message>
        <source>Recent events (site time, {0})</source>
        <translation>الأحداث الأخيرة (بتوقيت الموقع، {0})</translation>
    </message>
    <message>
        <source>Select a GPU to see its job and tenant; Enter opens the job in the job queue.</source>
        <translation>حدد GPU لرؤية مهمته ومستأجره؛ Enter يفتح المهمة في قائمة الانتظار.</translation>
    </message>
    <message>
        <source>Selected: {server} GPU {index} ({uuid}) · {status}</source>
        <translation>المحدد: {server} GPU {index} ({uuid}) · {status}</translation>
    </message>
    <message>
        <source> · no job</source>
        <translation> · لا مهمة</translation>
    </message>
    <message>
        <source> · job {id} “{name}” of {tenant}, user {user} · on this rack: {where}</source>
        <translation> · المهمة {id} «{name}» للمستأجر {tenant}، المستخدم {user} · على هذا الرف: {where}</translation>
    </message>
    <message>
        <source>{n} GPUs on {k} servers: {hosts}</source>
        <translation>{n} وحدة GPU على {k} خوادم: {hosts}</translation>
    </message>
</context>
<context>
    <name>RackMapOverlay</name>
    <message>
        <source>Rack power</source>
        <translation>قدرة الرف</translation>
    </message>
    <message>
        <source>% of rack capacity (kW in tooltip)</source>
        <translation>% من سعة الرف (kW في التلميح)</translation>
    </message>
    <message>
        <source>90–100 % within capacity</source>
        <translation>90–100 % ضمن السعة</translation>
    </message>
    <message>
        <source>&gt; 100 % over capacity</source>
        <translation>&gt; 100 % فوق السعة</translation>
    </message>
    <message>
        <source>Inlet temperature</source>
        <translation>حرارة هواء الدخول</translation>
    </message>
    <message>
        <source>≤ 27 recommended</source>
        <translation>≤ 27 موصى به</translation>
    </message>
    <message>
        <source>&gt; 27 above recommended</source>
        <translation>&gt; 27 فوق الموصى به</translation>
    </message>
    <message>
        <source>&gt; 32 above allowable</source>
        <translation>&gt; 32 فوق المسموح</translation>
    </message>
    <message>
        <source>Hottest GPU</source>
        <translation>أسخن GPU</translation>
    </message>
    <message>
        <source>&gt; 85 hot</source>
        <translation>&gt; 85 ساخن</translation>
    </message>
    <message>
        <source>&gt; 88 slowdown</source>
        <translation>&gt; 88 إبطاء</translation>
    </message>
    <message>
        <source>Mean GPU utilisation</source>
        <translation>متوسط استخدام GPU</translation>
    </message>
    <message>
        <source>Unhealthy GPUs</source>
        <translation>وحدات GPU معتلّة</translation>
    </message>
    <message>
        <source>GPUs per rack</source>
        <translation>وحدات GPU لكل رف</translation>
    </message>
    <message>
        <source>none</source>
        <translation>لا شيء</translation>
    </message>
    <message>
        <source>Alarm state</source>
        <translation>حالة الإنذار</translation>
    </message>
    <message>
        <source>highest priority</source>
        <translation>أعلى أولوية</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>عادي</translation>
    </message>
    <message>
        <source>low</source>
        <translation>منخفض</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>high</source>
        <translation>عالٍ</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>حرج</translation>
    </message>
    <message>
        <source>Idle allocated GPUs</source>
        <translation>وحدات GPU مخصصة خاملة</translation>
    </message>
    <message>
        <source>GPUs per rack idle past the rule</source>
        <translation>وحدات GPU الخاملة لكل خزانة بعد تجاوز القاعدة</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>لا بيانات</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; · hall {1} · row {2} · {3}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; · القاعة {1} · الصف {2} · {3}</translation>
    </message>
    <message>
        <source>figures of this rack cannot be read</source>
        <translation>أرقام هذا الرف غير مقروءة</translation>
    </message>
    <message>
        <source>figures {0} old (hub time {1})</source>
        <translation>أرقام عمرها {0} (توقيت المركز {1})</translation>
    </message>
    <message>
        <source> — STALE</source>
        <translation> — قديمة</translation>
    </message>
    <message>
        <source>no data for this rack</source>
        <translation>لا بيانات لهذا الرف</translation>
    </message>
    <message>
        <source>Power {0} ({1} of {2})</source>
        <translation>القدرة {0} ({1} من {2})</translation>
    </message>
    <message>
        <source>Inlet {0} · outlet {1}</source>
        <translation>الدخول {0} · الخروج {1}</translation>
    </message>
    <message>
        <source>Hottest GPU {0} · mean util {1}</source>
        <translation>أسخن GPU {0} · متوسط الاستخدام {1}</translation>
    </message>
    <message>
        <source>Unhealthy GPUs {0} of {1}</source>
        <translation>وحدات GPU معتلّة {0} من {1}</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>غ/م</translation>
    </message>
    <message>
        <source>Alarm: {0}</source>
        <translation>الإنذار: {0}</translation>
    </message>
</context>
<context>
    <name>RackMapView</name>
    <message>
        <source>not collected on this site</source>
        <translation>غير مُجمَّع في هذا الموقع</translation>
    </message>
    <message>
        <source>Waiting for the site layout…</source>
        <translation>في انتظار مخطط الموقع…</translation>
    </message>
    <message>
        <source>No site layout</source>
        <translation>لا مخطط للموقع</translation>
    </message>
    <message>
        <source>Hall {0}</source>
        <translation>القاعة {0}</translation>
    </message>
    <message>
        <source>no data: {0} racks</source>
        <translation>لا بيانات: {0} رفوف</translation>
    </message>
    <message>
        <source>data age {0}</source>
        <translation>عمر البيانات {0}</translation>
    </message>
    <message>
        <source>STALE — figures {0} old</source>
        <translation>قديمة — عمر الأرقام {0}</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Rack map</source>
        <translation>خريطة الرفوف</translation>
    </message>
    <message>
        <source>GPU health</source>
        <translation>صحة وحدات GPU</translation>
    </message>
    <message>
        <source>Power balance</source>
        <translation>ميزان القدرة</translation>
    </message>
    <message>
        <source>Job queue</source>
        <translation>قائمة انتظار المهام</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>الإنذارات</translation>
    </message>
    <message>
        <source>Supply = solar + wind + battery discharge + grid import; the battery charge and curtailment are renewable energy not used by the facility.</source>
        <translation>الإمداد = الشمسي + الريحي + تفريغ البطارية + الاستيراد من الشبكة؛ شحن البطارية والاقتطاع طاقة متجددة لا تستهلكها المنشأة.</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>المؤشر</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>القيمة</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>الوحدة</translation>
    </message>
    <message>
        <source>Source / load</source>
        <translation>المصدر / الحمل</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>الطاقة</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الوضع</translation>
    </message>
    <message>
        <source>Shift start</source>
        <translation>بداية النوبة</translation>
    </message>
    <message>
        <source>Shift end</source>
        <translation>نهاية النوبة</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>التغيّر</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>المهمة</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>المستأجر</translation>
    </message>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>وحدات GPU</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>انتهت</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>العدد</translation>
    </message>
    <message>
        <source>By priority</source>
        <translation>حسب الأولوية</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>الأولوية</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>المنطقة</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>منذ</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>الرسالة</translation>
    </message>
    <message>
        <source>Operator — comment</source>
        <translation>المشغّل — تعليق</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Transition</source>
        <translation>الانتقال</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>المشغّل</translation>
    </message>
    <message>
        <source>Comment / message</source>
        <translation>تعليق / رسالة</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>النوبة</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>الهدف</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>الإنذار</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>القاعدة</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>المرفوعة</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>الأجهزة</translation>
    </message>
    <message>
        <source>Rack</source>
        <translation>الرف</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>السبب</translation>
    </message>
    <message>
        <source>Job / tenant</source>
        <translation>المهمة / المستأجر</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>أول ظهور</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>الكاتب</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>الفئة</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>الروابط</translation>
    </message>
    <message>
        <source>Solar</source>
        <translation>الشمسي</translation>
    </message>
    <message>
        <source>Wind</source>
        <translation>الريحي</translation>
    </message>
    <message>
        <source>Battery discharge</source>
        <translation>تفريغ البطارية</translation>
    </message>
    <message>
        <source>Grid import</source>
        <translation>الاستيراد من الشبكة</translation>
    </message>
    <message>
        <source>Battery charge</source>
        <translation>شحن البطارية</translation>
    </message>
    <message>
        <source>Curtailment</source>
        <translation>الاقتطاع</translation>
    </message>
    <message>
        <source>Facility load</source>
        <translation>حمل المنشأة</translation>
    </message>
    <message>
        <source>IT load</source>
        <translation>حمل IT</translation>
    </message>
    <message>
        <source>No power data: {0}</source>
        <translation>لا بيانات قدرة: {0}</translation>
    </message>
    <message>
        <source>Alarm performance (EEMUA 191 / ISA-18.2)</source>
        <translation>أداء الإنذارات (EEMUA 191 / ISA-18.2)</translation>
    </message>
    <message>
        <source>Energy by source</source>
        <translation>الطاقة حسب المصدر</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>التسليم</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>الحوادث</translation>
    </message>
    <message>
        <source>Items cleared this shift</source>
        <translation>البنود المغلقة في هذه النوبة</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>المهام</translation>
    </message>
    <message>
        <source>Maintenance list</source>
        <translation>قائمة الصيانة</translation>
    </message>
    <message>
        <source>Most frequent alarms</source>
        <translation>الإنذارات الأكثر تكراراً</translation>
    </message>
    <message>
        <source>Open items carried forward</source>
        <translation>البنود المفتوحة المرحَّلة</translation>
    </message>
    <message>
        <source>Operator notes</source>
        <translation>ملاحظات المشغّل</translation>
    </message>
    <message>
        <source>Power and energy</source>
        <translation>القدرة والطاقة</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>تسليم النوبة</translation>
    </message>
    <message>
        <source>Shift log</source>
        <translation>سجل النوبة</translation>
    </message>
    <message>
        <source>outside target</source>
        <translation>خارج الهدف</translation>
    </message>
    <message>
        <source>within</source>
        <translation>ضمن الهدف</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>سليمة</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>متدهورة</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>معطلة</translation>
    </message>
    <message>
        <source>Off the bus (XID 79)</source>
        <translation>خارج الناقل (XID 79)</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>الموقع</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>غ/م</translation>
    </message>
    <message>
        <source>Shift (site time)</source>
        <translation>النوبة (بتوقيت الموقع)</translation>
    </message>
    <message>
        <source>Shift (UTC)</source>
        <translation>النوبة (UTC)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>المصدر</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>أُنشئ</translation>
    </message>
    <message>
        <source>{0} site time · {1} UTC</source>
        <translation>{0} بتوقيت الموقع · {1} UTC</translation>
    </message>
    <message>
        <source>Screenshots show</source>
        <translation>تُظهر اللقطات</translation>
    </message>
    <message>
        <source>{0} site time</source>
        <translation>{0} بتوقيت الموقع</translation>
    </message>
    <message>
        <source>shift in progress: figures up to {0}, planned end {1}</source>
        <translation>النوبة جارية: الأرقام حتى {0}، النهاية المقررة {1}</translation>
    </message>
    <message>
        <source>Site layout</source>
        <translation>مخطط الموقع</translation>
    </message>
    <message>
        <source>Power and supply</source>
        <translation>القدرة والإمداد</translation>
    </message>
    <message>
        <source>Hub events</source>
        <translation>أحداث المحور</translation>
    </message>
    <message>
        <source>Not in this pack (could not be read):</source>
        <translation>غير موجود في هذا الملف (تعذّرت قراءته):</translation>
    </message>
    <message>
        <source>Limits of this report:</source>
        <translation>حدود هذا التقرير:</translation>
    </message>
    <message>
        <source>Facility load, average</source>
        <translation>حمل المنشأة، المتوسط</translation>
    </message>
    <message>
        <source>Facility load, peak</source>
        <translation>حمل المنشأة، الذروة</translation>
    </message>
    <message>
        <source>IT load, average</source>
        <translation>حمل IT، المتوسط</translation>
    </message>
    <message>
        <source>IT load, peak</source>
        <translation>حمل IT، الذروة</translation>
    </message>
    <message>
        <source>Renewable share (energy-weighted)</source>
        <translation>حصة المتجددة (مرجّحة بالطاقة)</translation>
    </message>
    <message>
        <source>PUE (energy-weighted)</source>
        <translation>PUE (مرجّح بالطاقة)</translation>
    </message>
    <message>
        <source>Carbon intensity, average</source>
        <translation>كثافة الكربون، المتوسط</translation>
    </message>
    <message>
        <source>Carbon emitted</source>
        <translation>الكربون المنبعث</translation>
    </message>
    <message>
        <source>Power data coverage</source>
        <translation>تغطية بيانات القدرة</translation>
    </message>
    <message>
        <source>% of the shift</source>
        <translation>% من النوبة</translation>
    </message>
    <message>
        <source>Peak as share of the envelope</source>
        <translation>الذروة كنسبة من سقف القدرة</translation>
    </message>
    <message>
        <source>% of {0} MW</source>
        <translation>% من {0} MW</translation>
    </message>
    <message>
        <source> (fleet: {0} GPUs)</source>
        <translation> (الأسطول: {0} وحدة GPU)</translation>
    </message>
    <message>
        <source>Jobs completed in the shift</source>
        <translation>المهام المكتملة في النوبة</translation>
    </message>
    <message>
        <source>jobs</source>
        <translation>مهام</translation>
    </message>
    <message>
        <source>Jobs failed in the shift</source>
        <translation>المهام الفاشلة في النوبة</translation>
    </message>
    <message>
        <source>Jobs timed out</source>
        <translation>المهام المنتهية المهلة</translation>
    </message>
    <message>
        <source>Jobs cancelled</source>
        <translation>المهام الملغاة</translation>
    </message>
    <message>
        <source>GPU-hours delivered in the shift</source>
        <translation>ساعات GPU المقدَّمة في النوبة</translation>
    </message>
    <message>
        <source>Failed and timed-out jobs ({0})</source>
        <translation>المهام الفاشلة والمنتهية المهلة ({0})</translation>
    </message>
    <message>
        <source>{0} earlier ones are listed in summary.json.</source>
        <translation>{0} سابقة مدرجة في summary.json.</translation>
    </message>
    <message>
        <source>Action (within {0} min): {1}</source>
        <translation>الإجراء (خلال {0} دقيقة): {1}</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>حرج</translation>
    </message>
    <message>
        <source>high</source>
        <translation>مرتفع</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>low</source>
        <translation>منخفض</translation>
    </message>
    <message>
        <source>diagnostic</source>
        <translation>تشخيصي</translation>
    </message>
    <message>
        <source>NORMAL</source>
        <translation>عادي</translation>
    </message>
    <message>
        <source>UNACK</source>
        <translation>غير مُقَرّ به</translation>
    </message>
    <message>
        <source>ACKED</source>
        <translation>مُقَرّ به</translation>
    </message>
    <message>
        <source>RTN_UNACK</source>
        <translation>عاد، غير مُقَرّ به</translation>
    </message>
    <message>
        <source>SHELVED</source>
        <translation>مؤجَّل</translation>
    </message>
    <message>
        <source>SUPPRESSED</source>
        <translation>مكبوت</translation>
    </message>
    <message>
        <source>OUT_OF_SERVICE</source>
        <translation>خارج الخدمة</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>فشلت</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>انتهت المهلة</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>أُلغيت</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>اكتملت</translation>
    </message>
    <message>
        <source>node_fail</source>
        <translation>عطل العقدة</translation>
    </message>
    <message>
        <source>Alarms raised in the shift</source>
        <translation>الإنذارات المرفوعة في النوبة</translation>
    </message>
    <message>
        <source>Acknowledged in the shift</source>
        <translation>المُقَرّ بها في النوبة</translation>
    </message>
    <message>
        <source>Still open at the shift&apos;s end</source>
        <translation>ما زالت مفتوحة في نهاية النوبة</translation>
    </message>
    <message>
        <source>Shelved at the shift&apos;s end</source>
        <translation>معلّقة في نهاية النوبة</translation>
    </message>
    <message>
        <source>Suppressed / out of service</source>
        <translation>مكبوتة / خارج الخدمة</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>ما زالت مفتوحة</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>معلّقة</translation>
    </message>
    <message>
        <source>{0} more in summary.json.</source>
        <translation>{0} أخرى في summary.json.</translation>
    </message>
    <message>
        <source>Alarm journal of the shift ({0} transitions)</source>
        <translation>سجل إنذارات النوبة ({0} انتقالات)</translation>
    </message>
    <message>
        <source>The last {0} are shown; all are in summary.json.</source>
        <translation>تُعرض آخر {0}؛ وكلها في summary.json.</translation>
    </message>
    <message>
        <source>Alarms raised</source>
        <translation>الإنذارات المرفوعة</translation>
    </message>
    <message>
        <source>≤ 50 per 8 h shift</source>
        <translation>≤ 50 لكل نوبة من 8 ساعات</translation>
    </message>
    <message>
        <source>Alarms per 10 min, average</source>
        <translation>الإنذارات لكل 10 د، المتوسط</translation>
    </message>
    <message>
        <source>Most alarms in any 10 min (sliding)</source>
        <translation>أكثر الإنذارات في أي 10 د (منزلقة)</translation>
    </message>
    <message>
        <source>Alarm rate per day</source>
        <translation>معدل الإنذارات في اليوم</translation>
    </message>
    <message>
        <source>Floods (&gt; 10 in 10 min)</source>
        <translation>فيضانات (&gt; 10 في 10 د)</translation>
    </message>
    <message>
        <source>Time in floods</source>
        <translation>الوقت في الفيضانات</translation>
    </message>
    <message>
        <source>Critical share</source>
        <translation>حصة الحرجة</translation>
    </message>
    <message>
        <source>High share</source>
        <translation>حصة العالية</translation>
    </message>
    <message>
        <source>Medium and low share</source>
        <translation>حصة المتوسطة والمنخفضة</translation>
    </message>
    <message>
        <source>Chattering alarms (3 in 1 min)</source>
        <translation>إنذارات متذبذبة (3 في دقيقة)</translation>
    </message>
    <message>
        <source>Standing at the shift&apos;s end</source>
        <translation>القائمة في نهاية النوبة</translation>
    </message>
    <message>
        <source>Stale (standing &gt; 24 h)</source>
        <translation>قديمة (قائمة &gt; 24 س)</translation>
    </message>
    <message>
        <source>Time to acknowledge, median</source>
        <translation>زمن الإقرار، الوسيط</translation>
    </message>
    <message>
        <source>Time to acknowledge, 90th percentile</source>
        <translation>زمن الإقرار، المئين 90</translation>
    </message>
    <message>
        <source>Time to acknowledge, longest</source>
        <translation>زمن الإقرار، الأطول</translation>
    </message>
    <message>
        <source>Waiting for acknowledgement at the end</source>
        <translation>في انتظار الإقرار عند النهاية</translation>
    </message>
    <message>
        <source>Shelved in the shift / at its end</source>
        <translation>المعلّقة في النوبة / عند نهايتها</translation>
    </message>
    <message>
        <source>Needs the alarm journal (the console&apos;s cache).</source>
        <translation>يتطلب سجل الإنذارات (الملف المؤقت لوحدة التحكم).</translation>
    </message>
    <message>
        <source>{0}–{1} ({2} alarms)</source>
        <translation>{0}–{1} ({2} إنذار)</translation>
    </message>
    <message>
        <source>Floods: {0}</source>
        <translation>فيضانات الإنذارات: {0}</translation>
    </message>
    <message>
        <source>Chattering:</source>
        <translation>إنذارات متذبذبة:</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} ث</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} د {1} ث</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} س {1} د</translation>
    </message>
    <message>
        <source>No incident in the shift.</source>
        <translation>لا حوادث في النوبة.</translation>
    </message>
    <message>
        <source> and {0} more</source>
        <translation> و{0} أخرى</translation>
    </message>
    <message>
        <source>ongoing</source>
        <translation>جارٍ</translation>
    </message>
    <message>
        <source>&lt;b&gt;From&lt;/b&gt; {0} &lt;b&gt;to&lt;/b&gt; {1} · &lt;b&gt;priority&lt;/b&gt; {2} · &lt;b&gt;{3}&lt;/b&gt; racks, &lt;b&gt;{4}&lt;/b&gt; GPUs, &lt;b&gt;{5}&lt;/b&gt; jobs affected&lt;br/&gt;&lt;b&gt;Racks:&lt;/b&gt; {6}</source>
        <translation>&lt;b&gt;من&lt;/b&gt; {0} &lt;b&gt;إلى&lt;/b&gt; {1} · &lt;b&gt;الأولوية&lt;/b&gt; {2} · &lt;b&gt;{3}&lt;/b&gt; خزانات، &lt;b&gt;{4}&lt;/b&gt; GPU، &lt;b&gt;{5}&lt;/b&gt; مهام متأثرة&lt;br/&gt;&lt;b&gt;الخزانات:&lt;/b&gt; {6}</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>ملاحظة:</translation>
    </message>
    <message>
        <source>{0} more steps in summary.json.</source>
        <translation>{0} خطوات أخرى في summary.json.</translation>
    </message>
    <message>
        <source>Not known for this shift (no GPU health data at its end).</source>
        <translation>غير معروفة لهذه النوبة (لا بيانات صحة GPU عند نهايتها).</translation>
    </message>
    <message>
        <source>Maintenance list ({0} devices at {1})</source>
        <translation>قائمة الصيانة ({0} أجهزة في {1})</translation>
    </message>
    <message>
        <source>No device needs maintenance.</source>
        <translation>لا جهاز يحتاج صيانة.</translation>
    </message>
    <message>
        <source>… and {0} more; the counts above and summary.json cover them all.</source>
        <translation>… و{0} أخرى؛ الأعداد أعلاه وsummary.json تشملها كلها.</translation>
    </message>
    <message>
        <source>{0} throttled GPUs on racks under a site alarm are that alarm&apos;s consequence, not listed.</source>
        <translation>{0} وحدة GPU مُبطّأة على خزائن تحت إنذار موقع هي نتيجة ذلك الإنذار، غير مدرجة.</translation>
    </message>
    <message>
        <source>No handover of this shift was recorded in the console (File → Hand over shift).</source>
        <translation>لم يُسجَّل أي تسليم لهذه النوبة في وحدة التحكم (ملف ← تسليم النوبة).</translation>
    </message>
    <message>
        <source>Handed over by {0} at {1}, taken over by {2} at {3}</source>
        <translation>سلّمها {0} في {1}، واستلمها {2} في {3}</translation>
    </message>
    <message>
        <source>(site time)</source>
        <translation>(توقيت الموقع)</translation>
    </message>
    <message>
        <source>Summary:</source>
        <translation>الملخص:</translation>
    </message>
    <message>
        <source>No summary was given.</source>
        <translation>لم يُقدَّم ملخص.</translation>
    </message>
    <message>
        <source>operations</source>
        <translation>العمليات</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>الصيانة</translation>
    </message>
    <message>
        <source>safety</source>
        <translation>السلامة</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>العميل</translation>
    </message>
    <message>
        <source>rack</source>
        <translation>خزانة</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>إنذار</translation>
    </message>
    <message>
        <source>incident</source>
        <translation>حادث</translation>
    </message>
    <message>
        <source>job</source>
        <translation>مهمة</translation>
    </message>
    <message>
        <source>cleared by {0} at {1}</source>
        <translation>أُغلق بواسطة {0} في {1}</translation>
    </message>
    <message>
        <source>open</source>
        <translation>مفتوح</translation>
    </message>
    <message>
        <source>{0} more in summary.json and the pack&apos;s CSV files.</source>
        <translation>{0} أخرى في summary.json وملفات CSV في الحزمة.</translation>
    </message>
    <message>
        <source>No open item is carried forward.</source>
        <translation>لا بنود مفتوحة مرحَّلة.</translation>
    </message>
    <message>
        <source>Still open at the end of the shift, whenever written: each stays here, shift after shift, until someone clears it.</source>
        <translation>ما زالت مفتوحة في نهاية النوبة، أيًّا كان وقت كتابتها: يبقى كلٌّ منها هنا، نوبة بعد نوبة، حتى يغلقه أحد.</translation>
    </message>
    <message>
        <source>No open item was cleared in the shift.</source>
        <translation>لم يُغلق أي بند مفتوح في النوبة.</translation>
    </message>
    <message>
        <source>Open items cleared during the shift, whenever written: no longer carried forward.</source>
        <translation>بنود مفتوحة أُغلقت خلال النوبة، أيًّا كان وقت كتابتها: لم تعد تُرحَّل.</translation>
    </message>
    <message>
        <source>Not in this pack:</source>
        <translation>غير موجود في هذا الملف:</translation>
    </message>
    <message>
        <source>No entry was written in the shift.</source>
        <translation>لم يُكتب أي مدخل في النوبة.</translation>
    </message>
    <message>
        <source>Shift log ({0} entry)</source>
        <translation>سجل النوبة ({0} مدخل)</translation>
    </message>
    <message>
        <source>Shift log ({0} entries)</source>
        <translation>سجل النوبة ({0} مدخلات)</translation>
    </message>
    <message>
        <source>No notes were entered.</source>
        <translation>لم تُدخل ملاحظات.</translation>
    </message>
    <message>
        <source>Deferrable load moved</source>
        <translation>الحمل القابل للتأجيل المنقول</translation>
    </message>
    <message>
        <source>Grid energy avoided</source>
        <translation>طاقة الشبكة المتجنَّبة</translation>
    </message>
    <message>
        <source>Carbon avoided</source>
        <translation>الكربون المتجنَّب</translation>
    </message>
    <message>
        <source>Running jobs counted</source>
        <translation>المهام الجارية المحسوبة</translation>
    </message>
    <message>
        <source>Basis: forecast P50, battery dispatch as forecast, surplus renewables curtailed, moved work draws the same power later. Nothing was changed on the site.</source>
        <translation>الأساس: توقع P50، تشغيل البطارية حسب التوقع، اقتطاع فائض المتجددة، العمل المنقول يستهلك القدرة نفسها لاحقاً. لم يُغيَّر شيء في الموقع.</translation>
    </message>
    <message>
        <source>After the report, one landscape page per view: {0}.</source>
        <translation>بعد التقرير، صفحة أفقية لكل عرض: {0}.</translation>
    </message>
</context>
<context>
    <name>ReviewFeed</name>
    <message>
        <source>rack detail is not kept in the cache</source>
        <translation>تفاصيل الرف غير محفوظة في الملف المؤقت</translation>
    </message>
    <message>
        <source>a review shows the shift log as it stood; write it in the live console</source>
        <translation>تعرض المراجعة سجل النوبة كما كان؛ اكتب فيه من وحدة التحكم المباشرة</translation>
    </message>
</context>
<context>
    <name>ShelveDialog</name>
    <message>
        <source>15 min</source>
        <translation>15 د</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 س</translation>
    </message>
    <message>
        <source>8 h</source>
        <translation>8 س</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>مخصص…</translation>
    </message>
    <message>
        <source>Shelve alarms</source>
        <translation>تعليق الإنذارات</translation>
    </message>
    <message>
        <source> min</source>
        <translation> د</translation>
    </message>
    <message>
        <source>Shelve for</source>
        <translation>تعليق لمدة</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>مخصص</translation>
    </message>
</context>
<context>
    <name>ShiftLogModel</name>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>الكاتب</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>الفئة</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>الروابط</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>العمليات</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>الصيانة</translation>
    </message>
    <message>
        <source>Safety</source>
        <translation>السلامة</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>العميل</translation>
    </message>
    <message>
        <source>rack {0}</source>
        <translation>الرف {0}</translation>
    </message>
    <message>
        <source>alarm {0}</source>
        <translation>الإنذار {0}</translation>
    </message>
    <message>
        <source>incident {0}</source>
        <translation>الحادث {0}</translation>
    </message>
    <message>
        <source>job {0}</source>
        <translation>المهمة {0}</translation>
    </message>
    <message>
        <source>waiting for the hub</source>
        <translation>في انتظار المحور</translation>
    </message>
    <message>
        <source>cleared by {0} at {1}</source>
        <translation>أغلقه {0} في {1}</translation>
    </message>
    <message>
        <source>open</source>
        <translation>مفتوح</translation>
    </message>
    <message>
        <source>{time} site time ({utc}) · {author} · {category}</source>
        <translation>{time} بتوقيت الموقع ({utc}) · {author} · {category}</translation>
    </message>
    <message>
        <source>Open item cleared by {0} at {1} site time ({2})</source>
        <translation>أغلق {0} البند المفتوح في {1} بتوقيت الموقع ({2})</translation>
    </message>
    <message>
        <source>Open item: carried to every handover until someone clears it</source>
        <translation>بند مفتوح: يُنقل إلى كل تسليم حتى يغلقه أحد</translation>
    </message>
    <message>
        <source>Links: {0}</source>
        <translation>الروابط: {0}</translation>
    </message>
</context>
<context>
    <name>ShiftLogView</name>
    <message>
        <source>A review shows the shift log as it stood; entries are written in the live console</source>
        <translation>تعرض المراجعة سجل النوبة كما كان؛ تُكتب المدخلات في وحدة التحكم المباشرة</translation>
    </message>
    <message>
        <source>Add entry…</source>
        <translation>إضافة مدخل…</translation>
    </message>
    <message>
        <source>Write an entry with the current selection linked (Ctrl+L)</source>
        <translation>كتابة مدخل مرتبط بالتحديد الحالي (Ctrl+L)</translation>
    </message>
    <message>
        <source>Clear item…</source>
        <translation>إغلاق البند…</translation>
    </message>
    <message>
        <source>Clear the selected open item (it is then no longer carried to the next handover)</source>
        <translation>إغلاق البند المفتوح المحدد (فلا يُنقل بعدها إلى التسليم التالي)</translation>
    </message>
    <message>
        <source>Go to</source>
        <translation>انتقال إلى</translation>
    </message>
    <message>
        <source>Go to what the selected entry links to</source>
        <translation>الانتقال إلى ما يرتبط به المدخل المحدد</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>كل الفئات</translation>
    </message>
    <message>
        <source>Open items only</source>
        <translation>البنود المفتوحة فقط</translation>
    </message>
    <message>
        <source>Search text, author, links</source>
        <translation>البحث في النص والكاتب والروابط</translation>
    </message>
    <message>
        <source>Select an entry to read it whole; double-click or Enter goes to its first link.</source>
        <translation>حدد مدخلاً لقراءته كاملاً؛ النقر المزدوج أو Enter ينتقل إلى أول رابط له.</translation>
    </message>
    <message>
        <source>Shift-log entry written.</source>
        <translation>كُتب مدخل سجل النوبة.</translation>
    </message>
    <message>
        <source>Open item cleared.</source>
        <translation>أُغلق البند المفتوح.</translation>
    </message>
    <message>
        <source>{0} kept shift-log write(s) sent to the hub.</source>
        <translation>أُرسلت {0} كتابة محفوظة لسجل النوبة إلى المحور.</translation>
    </message>
    <message>
        <source>{0} write(s) wait for the hub.</source>
        <translation>{0} كتابة (كتابات) تنتظر المحور.</translation>
    </message>
    <message>
        <source>The hub does not answer: the entry is kept and sent when it answers (%1).</source>
        <translation>المحور لا يستجيب: يُحفظ المدخل ويُرسل عند استجابته (%1).</translation>
    </message>
    <message>
        <source>The hub does not answer: the clearing of the item is kept and sent when it answers (%1).</source>
        <translation>المحور لا يستجيب: يُحفظ إغلاق البند ويُرسل عند استجابته (%1).</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>لا رد</translation>
    </message>
    <message>
        <source>Not cleared: {0} cleared it already at {1} (site time).</source>
        <translation>لم يُغلق: أغلقه {0} بالفعل في {1} (بتوقيت الموقع).</translation>
    </message>
    <message>
        <source>Entry not written</source>
        <translation>لم يُكتب المدخل</translation>
    </message>
    <message>
        <source>Item not cleared</source>
        <translation>لم يُغلق البند</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>{shown} of {total} entries shown · open items: {open}</source>
        <translation>عُرض {shown} من {total} مدخلاً · البنود المفتوحة: {open}</translation>
    </message>
    <message>
        <source>shift log not recorded in this file</source>
        <translation>سجل النوبة غير مسجل في هذا الملف</translation>
    </message>
    <message>
        <source>as it stood at {0} site time</source>
        <translation>كما كان في {0} بتوقيت الموقع</translation>
    </message>
    <message>
        <source>log not read: {0}</source>
        <translation>لم يُقرأ السجل: {0}</translation>
    </message>
    <message>
        <source>No shift log read yet.</source>
        <translation>لم يُقرأ سجل النوبة بعد.</translation>
    </message>
    <message>
        <source>This file holds no shift log (recorded before the console kept one).</source>
        <translation>لا يحوي هذا الملف سجل نوبة (سُجِّل قبل أن تحتفظ وحدة التحكم بسجل).</translation>
    </message>
    <message>
        <source>No entry matches the filters ({0} hidden).</source>
        <translation>لا مدخل يطابق عوامل التصفية ({0} مخفية).</translation>
    </message>
    <message>
        <source>The shift log is empty.</source>
        <translation>سجل النوبة فارغ.</translation>
    </message>
    <message>
        <source>Go to {0}</source>
        <translation>انتقال إلى {0}</translation>
    </message>
    <message>
        <source>No links</source>
        <translation>لا روابط</translation>
    </message>
</context>
<context>
    <name>SiteSummary</name>
    <message>
        <source>solar, wind not metered</source>
        <translation>الشمسي والريحي غير مُقاسين</translation>
    </message>
    <message>
        <source>solar {0} MW</source>
        <translation>شمسي {0} MW</translation>
    </message>
    <message>
        <source>solar not metered</source>
        <translation>الشمسي غير مُقاس</translation>
    </message>
    <message>
        <source>wind {0} MW</source>
        <translation>ريحي {0} MW</translation>
    </message>
    <message>
        <source>wind not metered</source>
        <translation>الريحي غير مُقاس</translation>
    </message>
    <message>
        <source>Facility load</source>
        <translation>حمل المنشأة</translation>
    </message>
    <message>
        <source>IT load</source>
        <translation>حمل IT</translation>
    </message>
    <message>
        <source>Renewable share</source>
        <translation>حصة المتجددة</translation>
    </message>
    <message>
        <source>PUE</source>
        <translation>PUE</translation>
    </message>
    <message>
        <source>Carbon intensity</source>
        <translation>كثافة الكربون</translation>
    </message>
    <message>
        <source>Racks reporting</source>
        <translation>الرفوف المُبلِّغة</translation>
    </message>
    <message>
        <source>Unhealthy GPUs</source>
        <translation>وحدات GPU معتلّة</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>المهام</translation>
    </message>
    <message>
        <source>STALE · {0} old</source>
        <translation>قديمة · عمرها {0}</translation>
    </message>
    <message>
        <source>{0} % of {1} MW</source>
        <translation>{0} % من {1} MW</translation>
    </message>
    <message>
        <source>no envelope in the site layout (capacity_mw)</source>
        <translation>لا سقف قدرة في مخطط الموقع (capacity_mw)</translation>
    </message>
    <message>
        <source>grid {0} MW</source>
        <translation>الشبكة {0} MW</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>غ/م</translation>
    </message>
    <message>
        <source>{0} MW metered</source>
        <translation>{0} MW مُقاسة</translation>
    </message>
    <message>
        <source>{0} failed · {1} off bus · {2} degraded</source>
        <translation>{0} معطلة · {1} خارج الناقل · {2} متدهورة</translation>
    </message>
    <message>
        <source>{0} running</source>
        <translation>{0} قيد التشغيل</translation>
    </message>
    <message>
        <source>{0} pending</source>
        <translation>{0} قيد الانتظار</translation>
    </message>
</context>
<context>
    <name>Sparkline</name>
    <message>
        <source>no history</source>
        <translation>لا سجل تاريخي</translation>
    </message>
    <message>
        <source>max %1</source>
        <translation>الأقصى %1</translation>
    </message>
    <message>
        <source>min %1</source>
        <translation>الأدنى %1</translation>
    </message>
</context>
<context>
    <name>Steering</name>
    <message>
        <source>No advice: no forecast.</source>
        <translation>لا توصية: لا توجد توقعات.</translation>
    </message>
    <message>
        <source>No advice: no job queue.</source>
        <translation>لا توصية: لا توجد قائمة انتظار للمهام.</translation>
    </message>
    <message>
        <source>No advice: the racks&apos; power is not known.</source>
        <translation>لا توصية: قدرة الخزائن غير معروفة.</translation>
    </message>
    <message>
        <source>No advice: no deferrable work is running.</source>
        <translation>لا توصية: لا يوجد عمل قابل للتأجيل قيد التشغيل.</translation>
    </message>
    <message>
        <source>No advice: no renewable supply forecast.</source>
        <translation>لا توصية: لا توجد توقعات للإمداد المتجدد.</translation>
    </message>
    <message>
        <source>No advice: no load forecast.</source>
        <translation>لا توصية: لا توجد توقعات للحمل.</translation>
    </message>
    <message>
        <source>No advice: the forecast is too short.</source>
        <translation>لا توصية: التوقعات قصيرة جدًا.</translation>
    </message>
    <message>
        <source>No move of the deferrable work lowers grid imports over the forecast.</source>
        <translation>لا يؤدي أي نقل للعمل القابل للتأجيل إلى خفض الاستيراد من الشبكة خلال فترة التوقعات.</translation>
    </message>
    <message>
        <source>No advice: {0}.</source>
        <translation>لا توصية: {0}.</translation>
    </message>
    <message>
        <source>tomorrow {0}</source>
        <translation>غدًا {0}</translation>
    </message>
    <message>
        <source>Moving {mw} MW of deferrable work from {src} to {dst} avoids {co2} t CO2: the grid is cleaner then (the renewable share of the next {h} h stays at {share} %).</source>
        <translation>نقل {mw} ميغاواط من العمل القابل للتأجيل من {src} إلى {dst} يتجنب {co2} طن من ثاني أكسيد الكربون: الشبكة أنظف حينها (تبقى الحصة المتجددة للساعات الـ{h} القادمة عند {share} %).</translation>
    </message>
    <message>
        <source>Moving {mw} MW of deferrable work from {src} to {dst} raises the renewable share of the next {h} h from {before} % to {after} % and avoids {co2} t CO2.</source>
        <translation>نقل {mw} ميغاواط من العمل القابل للتأجيل من {src} إلى {dst} يرفع الحصة المتجددة للساعات الـ{h} القادمة من {before} % إلى {after} % ويتجنب {co2} طن من ثاني أكسيد الكربون.</translation>
    </message>
</context>
<context>
    <name>SteeringView</name>
    <message>
        <source>Job</source>
        <translation>المهمة</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>المستأجر</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>القسم</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>وحدات GPU</translation>
    </message>
    <message>
        <source>MW (IT)</source>
        <translation>MW (IT)</translation>
    </message>
    <message>
        <source>Deferrable now: {0} running ({1} jobs), {2} queued ({3} jobs)</source>
        <translation>القابل للتأجيل الآن: {0} قيد التشغيل ({1} مهام)، {2} في الانتظار ({3} مهام)</translation>
    </message>
    <message>
        <source>forecast issued {0} by {1}</source>
        <translation>توقع صادر {0} من {1}</translation>
    </message>
    <message>
        <source>It only advises; nothing is changed on the site. Basis: forecast P50, battery dispatch as forecast, surplus renewables curtailed, moved work draws the same power later.</source>
        <translation>إنه يقدّم المشورة فقط؛ لا يُغيَّر شيء في الموقع. الأساس: توقع P50، تشغيل البطارية حسب التوقع، اقتطاع فائض المتجددة، العمل المنقول يستهلك القدرة نفسها لاحقاً.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>قيد التشغيل</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>قيد الانتظار</translation>
    </message>
    <message>
        <source>and {0} more jobs</source>
        <translation>و{0} مهام أخرى</translation>
    </message>
</context>
<context>
    <name>TenantEnergyView</name>
    <message>
        <source>Last 24 hours</source>
        <translation>آخر 24 ساعة</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>آخر 7 أيام</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>آخر 30 يومًا</translation>
    </message>
    <message>
        <source>Whole cache</source>
        <translation>كامل الذاكرة</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>مدى مخصص</translation>
    </message>
    <message>
        <source>By tenant</source>
        <translation>حسب العميل</translation>
    </message>
    <message>
        <source>By kind</source>
        <translation>حسب النوع</translation>
    </message>
    <message>
        <source>By country</source>
        <translation>حسب البلد</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>العميل</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>البلد</translation>
    </message>
    <message>
        <source>GPU-hours</source>
        <translation>ساعات GPU</translation>
    </message>
    <message>
        <source>Energy kWh</source>
        <translation>الطاقة كيلوواط ساعة</translation>
    </message>
    <message>
        <source>Carbon kg</source>
        <translation>الكربون كغ</translation>
    </message>
    <message>
        <source>Share %</source>
        <translation>الحصة %</translation>
    </message>
    <message>
        <source>Show range</source>
        <translation>عرض المدى</translation>
    </message>
    <message>
        <source>from</source>
        <translation>من</translation>
    </message>
    <message>
        <source>to</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>تحديث</translation>
    </message>
    <message>
        <source>Save CSV…</source>
        <translation>حفظ CSV…</translation>
    </message>
    <message>
        <source>Write the report shown as CSV, as main.py report tenants does</source>
        <translation>كتابة التقرير المعروض بصيغة CSV، كما يفعل main.py report tenants</translation>
    </message>
    <message>
        <source>Choose a period: the report is read from the history cache.</source>
        <translation>اختر فترة: يُقرأ التقرير من ذاكرة السجل.</translation>
    </message>
    <message>
        <source>No history cache: the report needs one (--cache).</source>
        <translation>لا توجد ذاكرة سجل: يحتاج التقرير إليها (--cache).</translation>
    </message>
    <message>
        <source>Not read: the period must end after it starts ({0} is not before {1}).</source>
        <translation>لم تتم القراءة: يجب أن تنتهي الفترة بعد بدايتها ({0} ليس قبل {1}).</translation>
    </message>
    <message>
        <source>Reading the history cache…</source>
        <translation>جارٍ قراءة ذاكرة السجل…</translation>
    </message>
    <message>
        <source>Save the report as CSV</source>
        <translation>حفظ التقرير بصيغة CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>ملفات CSV (*.csv)</translation>
    </message>
    <message>
        <source>Not saved: cannot write {0}: {1}</source>
        <translation>لم يُحفظ: تعذّرت كتابة {0}: {1}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>حُفظ {0}</translation>
    </message>
    <message>
        <source>No report: {0}</source>
        <translation>لا تقرير: {0}</translation>
    </message>
    <message>
        <source>{start} to {end} ({zone}): {energy} kWh of IT energy metered by the racks (site IT meter {check}); grid imports at {grid} gCO2eq/kWh, wind, sun and battery at zero</source>
        <translation>من {start} إلى {end} ({zone}): {energy} كيلوواط ساعة من طاقة تقنية المعلومات تقيسها الخزائن (عداد الموقع {check})؛ الشبكة بـ {grid} غرام مكافئ CO2/كيلوواط ساعة، والرياح والشمس والبطارية بلا انبعاثات</translation>
    </message>
    <message>
        <source>The cache holds {0} to {1}, part of the period asked: the figures cover that part only.</source>
        <translation>تحتوي الذاكرة على الفترة من {0} إلى {1}، وهي جزء من الفترة المطلوبة: الأرقام تغطي هذا الجزء فقط.</translation>
    </message>
    <message>
        <source>Unallocated (no job)</source>
        <translation>غير مخصص (بلا مهمة)</translation>
    </message>
    <message>
        <source>Facility overhead (cooling, losses)</source>
        <translation>استهلاك المنشأة الإضافي (التبريد، الفواقد)</translation>
    </message>
</context>
<context>
    <name>Text</name>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>غ/م</translation>
    </message>
</context>
<context>
    <name>TimelineScrubber</name>
    <message>
        <source>%1 site time (%2 UTC)</source>
        <translation>%1 بتوقيت الموقع (%2 UTC)</translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation>مراجعة</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ تشغيل</translation>
    </message>
    <message>
        <source>Jump to incident…</source>
        <translation>انتقال إلى حادث…</translation>
    </message>
    <message>
        <source>Jump to incident… ({0})</source>
        <translation>انتقال إلى حادث… ({0})</translation>
    </message>
    <message>
        <source>No incidents</source>
        <translation>لا حوادث</translation>
    </message>
    <message>
        <source>{0} span(s) in this file were not recorded (cache failures)</source>
        <translation>{0} فترة (فترات) في هذا الملف لم تُسجَّل (أعطال الذاكرة المؤقتة)</translation>
    </message>
    <message>
        <source>Not recorded {0} ({1} polls): {2}</source>
        <translation>غير مسجل {0} ({1} استطلاعات): {2}</translation>
    </message>
    <message>
        <source>Not recorded {0} ({1} polls)</source>
        <translation>غير مسجل {0} ({1} استطلاعات)</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ إيقاف مؤقت</translation>
    </message>
</context>
<context>
    <name>WallDialog</name>
    <message>
        <source>Wall mode</source>
        <translation>وضع الجدار</translation>
    </message>
    <message>
        <source>Views:</source>
        <translation>العروض:</translation>
    </message>
    <message>
        <source>Screens:</source>
        <translation>الشاشات:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ث</translation>
    </message>
    <message>
        <source>no rotation</source>
        <translation>بلا تدوير</translation>
    </message>
    <message>
        <source>Rotate views every:</source>
        <translation>تدوير العروض كل:</translation>
    </message>
    <message>
        <source>Views are dealt to the screens in turn; Esc leaves wall mode.</source>
        <translation>تُوزَّع العروض على الشاشات بالتناوب؛ Esc للخروج من وضع الجدار.</translation>
    </message>
</context>
<context>
    <name>WallScreen</name>
    <message>
        <source>Esc leaves wall mode</source>
        <translation>Esc للخروج من وضع الجدار</translation>
    </message>
    <message>
        <source>{title} ({n} of {count})</source>
        <translation>{title} ({n} من {count})</translation>
    </message>
</context>
</TS>

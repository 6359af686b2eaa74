<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_MA">
<context>
    <name>AckDialog</name>
    <message>
        <source>Acknowledge alarms</source>
        <translation>Acquitter les alarmes</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>votre nom</translation>
    </message>
    <message>
        <source>what you saw or did (optional)</source>
        <translation>ce que vous avez vu ou fait (facultatif)</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
</context>
<context>
    <name>AlarmBanner</name>
    <message>
        <source>Critical</source>
        <translation>Critique</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Haute</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Basse</translation>
    </message>
    <message>
        <source>Diagnostic</source>
        <translation>Diagnostic</translation>
    </message>
    <message>
        <source>site</source>
        <translation>site</translation>
    </message>
    <message>
        <source>racks</source>
        <translation>baies</translation>
    </message>
    <message>
        <source>GPU health</source>
        <translation>santé des GPU</translation>
    </message>
    <message>
        <source>power</source>
        <translation>puissance</translation>
    </message>
    <message>
        <source>job queue</source>
        <translation>file des tâches</translation>
    </message>
    <message>
        <source>events</source>
        <translation>événements</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>Alarmes</translation>
    </message>
    <message>
        <source>Audible alert</source>
        <translation>Alerte sonore</translation>
    </message>
    <message>
        <source>Beep while a critical alarm is unacknowledged</source>
        <translation>Bip tant qu&apos;une alarme critique n&apos;est pas acquittée</translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>Silence</translation>
    </message>
    <message>
        <source>Alarm evaluation failing ({0}): counts may be out of date</source>
        <translation>Évaluation des alarmes en échec ({0}) : les comptes peuvent être périmés</translation>
    </message>
    <message>
        <source>{p} {u} unack · {k} ack</source>
        <translation>{p} {u} non acq. · {k} acq.</translation>
    </message>
    <message>
        <source>{p}: {u} waiting for acknowledgement (active or returned), {k} acknowledged and still active</source>
        <translation>{p} : {u} en attente d&apos;acquittement (actives ou retombées), {k} acquittées et toujours actives</translation>
    </message>
    <message>
        <source>No unacknowledged alarms</source>
        <translation>Aucune alarme non acquittée</translation>
    </message>
    <message>
        <source>{p}: not yet evaluated</source>
        <translation>{p} : pas encore évaluées</translation>
    </message>
    <message>
        <source>Alarms not evaluated — {0}</source>
        <translation>Alarmes non évaluées — {0}</translation>
    </message>
    <message>
        <source>Alarms: waiting for the first evaluation…</source>
        <translation>Alarmes : en attente de la première évaluation…</translation>
    </message>
    <message>
        <source>No alarm evaluation has been received yet: the counts are unknown, not zero</source>
        <translation>Aucune évaluation des alarmes reçue pour l&apos;instant : les nombres sont inconnus, pas nuls</translation>
    </message>
    <message>
        <source>Act first — {p}, unacknowledged {age}: {area} · {message}</source>
        <translation>À traiter d&apos;abord — {p}, non acquittée depuis {age} : {area} · {message}</translation>
    </message>
    <message>
        <source> · respond within {0} min</source>
        <translation> · répondre sous {0} min</translation>
    </message>
</context>
<context>
    <name>AlarmKpiPanel</name>
    <message>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} min {1} s</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} h {1} min</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Indicateur</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Poste</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Alarms raised</source>
        <translation>Alarmes levées</translation>
    </message>
    <message>
        <source>Alarms per 10 min, average</source>
        <translation>Alarmes par 10 min, moyenne</translation>
    </message>
    <message>
        <source>Most alarms in any 10 min</source>
        <translation>Maximum d&apos;alarmes sur 10 min</translation>
    </message>
    <message>
        <source>Alarm rate per day</source>
        <translation>Alarmes par jour</translation>
    </message>
    <message>
        <source>Floods (&gt;10 in 10 min)</source>
        <translation>Avalanches (&gt;10 en 10 min)</translation>
    </message>
    <message>
        <source>Critical share</source>
        <translation>Part critique</translation>
    </message>
    <message>
        <source>High share</source>
        <translation>Part haute</translation>
    </message>
    <message>
        <source>Medium and low share</source>
        <translation>Part moyenne et basse</translation>
    </message>
    <message>
        <source>Chattering alarms (3 in 1 min)</source>
        <translation>Alarmes instables (3 en 1 min)</translation>
    </message>
    <message>
        <source>Standing alarms now</source>
        <translation>Alarmes actives maintenant</translation>
    </message>
    <message>
        <source>Stale alarms (standing &gt; 24 h)</source>
        <translation>Alarmes anciennes (actives &gt; 24 h)</translation>
    </message>
    <message>
        <source>Time to acknowledge: median / 90 % / max</source>
        <translation>Délai d&apos;acquittement : médiane / 90 % / max</translation>
    </message>
    <message>
        <source>Waiting for acknowledgement</source>
        <translation>En attente d&apos;acquittement</translation>
    </message>
    <message>
        <source>Shelved in the shift / now</source>
        <translation>Mises en attente pendant le poste / maintenant</translation>
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
        <translation>Alarmes les plus fréquentes</translation>
    </message>
    <message>
        <source>Alarm performance: no alarm journal</source>
        <translation>Performance des alarmes : pas de journal d&apos;alarmes</translation>
    </message>
    <message>
        <source>Alarm performance, shift {0} – {1}, figures up to {2}</source>
        <translation>Performance des alarmes, poste {0} – {1}, chiffres jusqu&apos;à {2}</translation>
    </message>
    <message>
        <source>Journal from {0} (console start)</source>
        <translation>Journal depuis {0} (démarrage de la console)</translation>
    </message>
    <message>
        <source>{0} (C {1} · H {2} · M {3} · L {4})</source>
        <translation>{0} (C {1} · H {2} · M {3} · B {4})</translation>
    </message>
    <message>
        <source>{0} ({1} in all, longest {2})</source>
        <translation>{0} ({1} au total, le plus long {2})</translation>
    </message>
    <message>
        <source>{0} × {1} ({2})</source>
        <translation>{0} × {1} ({2})</translation>
    </message>
    <message>
        <source>Chattering: {0}</source>
        <translation>Instables : {0}</translation>
    </message>
    <message>
        <source>No alarm raised in the shift.</source>
        <translation>Aucune alarme levée pendant le poste.</translation>
    </message>
</context>
<context>
    <name>AlarmListView</name>
    <message>
        <source>Standing</source>
        <translation>Actives</translation>
    </message>
    <message>
        <source>Unacknowledged</source>
        <translation>Non acquittées</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Suppressed / out of service</source>
        <translation>Supprimées / hors service</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Tous les états</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>Toutes les priorités</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critique</translation>
    </message>
    <message>
        <source>High and above</source>
        <translation>Haute et plus</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>Moyenne et plus</translation>
    </message>
    <message>
        <source>Low and above</source>
        <translation>Basse et plus</translation>
    </message>
    <message>
        <source>All halls</source>
        <translation>Toutes les salles</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>Acquitter…</translation>
    </message>
    <message>
        <source>Shelve…</source>
        <translation>Mettre en attente…</translation>
    </message>
    <message>
        <source>Plan work…</source>
        <translation>Planifier des travaux…</translation>
    </message>
    <message>
        <source>Announce planned work: alarms of a hall, row, rack or server raised during it are shelved at once</source>
        <translation>Annoncer des travaux planifiés : les alarmes d&apos;une salle, rangée, baie ou d&apos;un serveur levées pendant ceux-ci sont mises en attente aussitôt</translation>
    </message>
    <message>
        <source>Jump to rack</source>
        <translation>Aller à la baie</translation>
    </message>
    <message>
        <source>Select an alarm to see what to do, its racks, GPUs and history; double-click or Enter opens its rack in depth.</source>
        <translation>Sélectionnez une alarme pour voir quoi faire, ses baies, GPU et son historique ; double-clic ou Entrée ouvre sa baie en détail.</translation>
    </message>
    <message>
        <source>Hall {0}</source>
        <translation>Salle {0}</translation>
    </message>
    <message>
        <source>{shown} of {total} alarms shown</source>
        <translation>{shown} alarmes affichées sur {total}</translation>
    </message>
    <message>
        <source> · hub time {clock} {zone} ({utc})</source>
        <translation> · heure du hub {clock} {zone} ({utc})</translation>
    </message>
    <message>
        <source> · alarm data {0} old</source>
        <translation> · données d&apos;alarme vieilles de {0}</translation>
    </message>
    <message>
        <source>No alarm data yet: waiting for the first evaluation.</source>
        <translation>Pas encore de données d&apos;alarme : en attente de la première évaluation.</translation>
    </message>
    <message>
        <source>No alarm matches the filters ({0} hidden).</source>
        <translation>Aucune alarme ne correspond aux filtres ({0} masquées).</translation>
    </message>
    <message>
        <source>No standing alarms: nothing needs the control room now.</source>
        <translation>Aucune alarme active : rien ne requiert la salle de contrôle pour l&apos;instant.</translation>
    </message>
    <message>
        <source>Alarm data is {0} old.</source>
        <translation>Les données d&apos;alarme datent de {0}.</translation>
    </message>
    <message>
        <source>{priority} · {state} · {area} · id {id}</source>
        <translation>{priority} · {state} · {area} · id {id}</translation>
    </message>
    <message>
        <source>Raised {local} site time ({utc})</source>
        <translation>Levée à {local} heure du site ({utc})</translation>
    </message>
    <message>
        <source>Action: {0}</source>
        <translation>Action : {0}</translation>
    </message>
    <message>
        <source>If nobody acts: {0}</source>
        <translation>Sans intervention : {0}</translation>
    </message>
    <message>
        <source>Respond within {0} min</source>
        <translation>Répondre sous {0} min</translation>
    </message>
    <message>
        <source> (waiting {0}{1})</source>
        <translation> (en attente depuis {0}{1})</translation>
    </message>
    <message>
        <source>, overdue</source>
        <translation>, en retard</translation>
    </message>
    <message>
        <source>Area: {0}</source>
        <translation>Zone : {0}</translation>
    </message>
    <message>
        <source>Racks ({n}): {racks}</source>
        <translation>Baies ({n}) : {racks}</translation>
    </message>
    <message>
        <source>GPUs ({n}): {gpus}</source>
        <translation>GPU ({n}) : {gpus}</translation>
    </message>
    <message>
        <source>Last action by {0}</source>
        <translation>Dernière action par {0}</translation>
    </message>
    <message>
        <source>Members ({0}):</source>
        <translation>Membres ({0}) :</translation>
    </message>
    <message>
        <source>  … and {0} more</source>
        <translation>  … et {0} de plus</translation>
    </message>
    <message>
        <source>{0} alarms</source>
        <translation>{0} alarmes</translation>
    </message>
    <message>
        <source>Planned work on {scope}: {reason}</source>
        <translation>Travaux planifiés sur {scope} : {reason}</translation>
    </message>
    <message>
        <source>Cancel planned work</source>
        <translation>Annuler des travaux planifiés</translation>
    </message>
</context>
<context>
    <name>AlarmRules</name>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>Unacknowledged</source>
        <translation>Non acquittée</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Acquittée</translation>
    </message>
    <message>
        <source>Returned, unacknowledged</source>
        <translation>Revenue à la normale, non acquittée</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>Mise en attente</translation>
    </message>
    <message>
        <source>Suppressed</source>
        <translation>Supprimée</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Hors service</translation>
    </message>
    <message>
        <source>Row cooling lost or degraded</source>
        <translation>Refroidissement de la rangée perdu ou dégradé</translation>
    </message>
    <message>
        <source>Send the facility technician to the row&apos;s cooling unit (CDU / CRAH); if inlets keep rising, drain the row&apos;s jobs so the GPUs shed heat.</source>
        <translation>Envoyer le technicien d&apos;installation à l&apos;unité de refroidissement de la rangée (CDU / CRAH) ; si les entrées continuent de monter, vider les tâches de la rangée pour que les GPU dissipent la chaleur.</translation>
    </message>
    <message>
        <source>The row&apos;s GPUs throttle, then shut down: every job on the row slows or dies.</source>
        <translation>Les GPU de la rangée ralentissent, puis s&apos;arrêtent : chaque tâche de la rangée ralentit ou meurt.</translation>
    </message>
    <message>
        <source>Rack inlet above ASHRAE allowable</source>
        <translation>Entrée de la baie au-dessus de l&apos;admissible ASHRAE</translation>
    </message>
    <message>
        <source>Check the rack&apos;s containment, doors and blanking panels and the nearest cooling unit; move the rack&apos;s work if it stays hot.</source>
        <translation>Vérifier le confinement, les portes et les panneaux d&apos;obturation de la baie et l&apos;unité de refroidissement la plus proche ; déplacer le travail de la baie si elle reste chaude.</translation>
    </message>
    <message>
        <source>The rack&apos;s GPUs run outside their allowable envelope: they throttle and age faster.</source>
        <translation>Les GPU de la baie fonctionnent hors de leur plage admissible : ils ralentissent et vieillissent plus vite.</translation>
    </message>
    <message>
        <source>PDU feed lost: rack on one feed</source>
        <translation>Alimentation PDU perdue : baie sur une seule alimentation</translation>
    </message>
    <message>
        <source>Send the electrician to find the cause and reset the breaker; if the remaining feed is near its rating, drain work from the racks it carries.</source>
        <translation>Envoyer l&apos;électricien trouver la cause et réarmer le disjoncteur ; si l&apos;alimentation restante est proche de sa capacité, vider le travail des baies qu&apos;elle porte.</translation>
    </message>
    <message>
        <source>No redundancy: one more fault drops the racks and every job on them.</source>
        <translation>Plus de redondance : une panne de plus fait tomber les baies et chaque tâche qu&apos;elles portent.</translation>
    </message>
    <message>
        <source>PDU feed load critical</source>
        <translation>Charge de l&apos;alimentation PDU critique</translation>
    </message>
    <message>
        <source>Shed load from the rack now (drain or cap its GPUs); check the other feed.</source>
        <translation>Délester la baie maintenant (vider ou plafonner ses GPU) ; vérifier l&apos;autre alimentation.</translation>
    </message>
    <message>
        <source>The breaker trips and the rack loses its redundancy or its power.</source>
        <translation>Le disjoncteur déclenche et la baie perd sa redondance ou son alimentation.</translation>
    </message>
    <message>
        <source>PDU feed load high</source>
        <translation>Charge de l&apos;alimentation PDU élevée</translation>
    </message>
    <message>
        <source>Plan a load move or a power cap for the rack before the next ramp-up.</source>
        <translation>Prévoir un déplacement de charge ou un plafond de puissance pour la baie avant la prochaine montée en charge.</translation>
    </message>
    <message>
        <source>A little more load reaches the critical limit.</source>
        <translation>Un peu plus de charge atteint la limite critique.</translation>
    </message>
    <message>
        <source>Several GPUs failing in one rack</source>
        <translation>Plusieurs GPU en panne dans une baie</translation>
    </message>
    <message>
        <source>Send a hardware technician to the rack (power shelf, NVLink switch tray, coolant); drain the rack if more GPUs fail.</source>
        <translation>Envoyer un technicien matériel à la baie (étagère d&apos;alimentation, tiroir de commutateurs NVLink, liquide de refroidissement) ; vider la baie si d&apos;autres GPU tombent en panne.</translation>
    </message>
    <message>
        <source>A rack-level fault takes out the rack&apos;s GPUs one after another.</source>
        <translation>Une panne au niveau de la baie met ses GPU hors service l&apos;un après l&apos;autre.</translation>
    </message>
    <message>
        <source>Server lost: every GPU failed</source>
        <translation>Serveur perdu : tous les GPU en panne</translation>
    </message>
    <message>
        <source>Check the server&apos;s power and BMC; power-cycle it; drain it and open a hardware ticket if it does not come back.</source>
        <translation>Vérifier l&apos;alimentation et le BMC du serveur ; le redémarrer électriquement ; le vider et ouvrir un ticket matériel s&apos;il ne revient pas.</translation>
    </message>
    <message>
        <source>The server&apos;s jobs are dead and its GPUs idle until repaired.</source>
        <translation>Les tâches du serveur sont perdues et ses GPU inactifs jusqu&apos;à la réparation.</translation>
    </message>
    <message>
        <source>GPU failure rate above its baseline</source>
        <translation>Taux de pannes GPU au-dessus de sa référence</translation>
    </message>
    <message>
        <source>Look for a common cause (driver or firmware roll-out, a hall&apos;s power quality or cooling); stop roll-outs until it is found.</source>
        <translation>Chercher une cause commune (déploiement de pilote ou de micrologiciel, qualité de l&apos;alimentation ou refroidissement d&apos;une salle) ; arrêter les déploiements jusqu&apos;à la trouver.</translation>
    </message>
    <message>
        <source>A fleet-wide problem keeps killing customers&apos; jobs.</source>
        <translation>Un problème sur tout le parc continue de tuer les tâches des clients.</translation>
    </message>
    <message>
        <source>Large job killed by a hardware fault</source>
        <translation>Grande tâche tuée par une panne matérielle</translation>
    </message>
    <message>
        <source>Tell customer operations; check the job was requeued from its checkpoint and the failed server is drained.</source>
        <translation>Prévenir les opérations clients ; vérifier que la tâche a été remise en file depuis son point de reprise et que le serveur en panne est vidé.</translation>
    </message>
    <message>
        <source>A large customer loses hours of work without hearing from us.</source>
        <translation>Un grand client perd des heures de travail sans nouvelles de notre part.</translation>
    </message>
    <message>
        <source>Facility load near the power envelope</source>
        <translation>Charge du site proche de l&apos;enveloppe de puissance</translation>
    </message>
    <message>
        <source>Cap GPU power or pause deferrable partitions until the load is back under the warning level; tell the grid operator if it keeps rising.</source>
        <translation>Plafonner la puissance des GPU ou suspendre les partitions reportables jusqu&apos;à ce que la charge repasse sous le seuil d&apos;avertissement ; prévenir le gestionnaire du réseau si elle continue de monter.</translation>
    </message>
    <message>
        <source>The grid connection&apos;s limit is breached: penalties, then a trip of the site.</source>
        <translation>La limite du raccordement au réseau est dépassée : pénalités, puis déclenchement du site.</translation>
    </message>
    <message>
        <source>Renewable supply dropped</source>
        <translation>Baisse de l&apos;approvisionnement renouvelable</translation>
    </message>
    <message>
        <source>Check the battery&apos;s dispatch and the grid import; consider deferring flexible work.</source>
        <translation>Vérifier la répartition de la batterie et l&apos;import du réseau ; envisager de reporter le travail flexible.</translation>
    </message>
    <message>
        <source>The site runs on grid power: cost and carbon rise.</source>
        <translation>Le site tourne sur le réseau : le coût et le carbone augmentent.</translation>
    </message>
    <message>
        <source>Hub event</source>
        <translation>Événement du hub</translation>
    </message>
    <message>
        <source>Follow the instruction in the hub&apos;s message.</source>
        <translation>Suivre l&apos;instruction du message du hub.</translation>
    </message>
    <message>
        <source>As the hub&apos;s message says.</source>
        <translation>Comme le dit le message du hub.</translation>
    </message>
    <message>
        <source>Hub communication lost</source>
        <translation>Communication avec le hub perdue</translation>
    </message>
    <message>
        <source>Check the hub API and the network to it; watch the floor through the BMS until it answers again.</source>
        <translation>Vérifier l&apos;API du hub et le réseau qui y mène ; surveiller la salle par la GTB jusqu&apos;à ce qu&apos;il réponde à nouveau.</translation>
    </message>
    <message>
        <source>The console shows old data: new faults go unseen.</source>
        <translation>La console montre des données anciennes : les nouvelles pannes passent inaperçues.</translation>
    </message>
    <message>
        <source>Stale data</source>
        <translation>Données périmées</translation>
    </message>
    <message>
        <source>Check the data source named in the alarm (exporter, scheduler, meter).</source>
        <translation>Vérifier la source de données nommée dans l&apos;alarme (exportateur, ordonnanceur, compteur).</translation>
    </message>
    <message>
        <source>A view shows old data as if it were current.</source>
        <translation>Une vue montre des données anciennes comme si elles étaient actuelles.</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
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
        <translation>par h</translation>
    </message>
    <message>
        <source>{0} until {1}</source>
        <translation>{0} jusqu&apos;à {1}</translation>
    </message>
    <message>
        <source>Raised {raised} (hub time)
Last change {changed}</source>
        <translation>Levée {raised} (heure du hub)
Dernier changement {changed}</translation>
    </message>
    <message>
        <source>(no action stated for this alarm)</source>
        <translation>(aucune action indiquée pour cette alarme)</translation>
    </message>
    <message>
        <source>If nobody acts: {0}</source>
        <translation>Sans intervention : {0}</translation>
    </message>
    <message>
        <source>Respond within {0} min</source>
        <translation>Répondre sous {0} min</translation>
    </message>
    <message>
        <source>Alarm id: {0}</source>
        <translation>Identifiant de l&apos;alarme : {0}</translation>
    </message>
    <message>
        <source>By {0}</source>
        <translation>Par {0}</translation>
    </message>
</context>
<context>
    <name>AlarmText</name>
    <message>
        <source>row {0}</source>
        <translation>rangée {0}</translation>
    </message>
    <message>
        <source>hall {0}</source>
        <translation>salle {0}</translation>
    </message>
    <message>
        <source>feed {0}</source>
        <translation>alimentation {0}</translation>
    </message>
    <message>
        <source>{0} racks</source>
        <translation>{0} baies</translation>
    </message>
    <message>
        <source>site</source>
        <translation>site</translation>
    </message>
    <message>
        <source>Row {0} running hot: {1} racks, {2}</source>
        <translation>Rangée {0} trop chaude : {1} baies, {2}</translation>
    </message>
    <message>
        <source>inlet up to {0:.1f} °C (limit {1:g})</source>
        <translation>entrée jusqu&apos;à {0:.1f} °C (limite {1:g})</translation>
    </message>
    <message>
        <source>GPUs up to {0:.1f} °C</source>
        <translation>GPU jusqu&apos;à {0:.1f} °C</translation>
    </message>
    <message>
        <source>Feed {0} lost: {1} on one feed, no redundancy</source>
        <translation>Alimentation {0} perdue : {1} sur une seule alimentation, sans redondance</translation>
    </message>
    <message>
        <source>Feed {0} lost: {1} on one feed, no redundancy; the other feed at {2:.0f} % of its rating</source>
        <translation>Alimentation {0} perdue : {1} sur une seule alimentation, sans redondance ; l&apos;autre alimentation à {2:.0f} % de sa capacité</translation>
    </message>
    <message>
        <source>Inlet {0:.1f} °C, above {1:g} °C</source>
        <translation>Entrée {0:.1f} °C, au-dessus de {1:g} °C</translation>
    </message>
    <message>
        <source>Inlet above {0:g} °C in {1} racks of {2} (hottest {3:.1f} °C)</source>
        <translation>Entrée au-dessus de {0:g} °C dans {1} baies de {2} (la plus chaude {3:.1f} °C)</translation>
    </message>
    <message>
        <source>PDU feed {0} at {1:.0f} % of its {2:g} kW rating (limit {3:g} %)</source>
        <translation>Alimentation PDU {0} à {1:.0f} % de sa capacité de {2:g} kW (limite {3:g} %)</translation>
    </message>
    <message>
        <source>PDU feed load at or above {0:g} % in {1} racks of {2} (worst {3:.0f} %)</source>
        <translation>Charge d&apos;alimentation PDU à {0:g} % ou plus dans {1} baies de {2} (pire {3:.0f} %)</translation>
    </message>
    <message>
        <source>PDU feed load above {0:g} % in {1} racks of {2} (worst {3:.0f} %)</source>
        <translation>Charge d&apos;alimentation PDU au-dessus de {0:g} % dans {1} baies de {2} (pire {3:.0f} %)</translation>
    </message>
    <message>
        <source>Facility load {0:.0f} MW, {1:.0f} % of the {2:g} MW envelope</source>
        <translation>Charge du site {0:.0f} MW, {1:.0f} % de l&apos;enveloppe de {2:g} MW</translation>
    </message>
    <message>
        <source>Job {0} ({1} GPUs) killed by hardware faults {2}</source>
        <translation>Tâche {0} ({1} GPU) tuée par des pannes matérielles {2}</translation>
    </message>
    <message>
        <source>Job {0} of {1} ({2} GPUs) killed by hardware faults {3}</source>
        <translation>Tâche {0} de {1} ({2} GPU) tuée par des pannes matérielles {3}</translation>
    </message>
    <message>
        <source>once</source>
        <translation>une fois</translation>
    </message>
    <message>
        <source>{0} times in {1:g} h</source>
        <translation>{0} fois en {1:g} h</translation>
    </message>
    <message>
        <source>No answer from the data source for {0} since {1} UTC</source>
        <translation>Pas de réponse de la source de données pour {0} depuis {1} UTC</translation>
    </message>
    <message>
        <source>{0} (limit {1:g} s)</source>
        <translation>{0} (limite {1:g} s)</translation>
    </message>
    <message>
        <source>{0} data is {1:.0f} s old</source>
        <translation>Données {0} vieilles de {1:.0f} s</translation>
    </message>
    <message>
        <source>Server {0} lost: all {1} GPUs failed</source>
        <translation>Serveur {0} perdu : ses {1} GPU en panne</translation>
    </message>
    <message>
        <source>GPUs failing in {0} racks of row {1} within {2:.0f} min ({3} GPUs)</source>
        <translation>GPU en panne dans {0} baies de la rangée {1} en {2:.0f} min ({3} GPU)</translation>
    </message>
    <message>
        <source>{0} GPUs failed in rack {1} within {2:.0f} min</source>
        <translation>{0} GPU en panne dans la baie {1} en {2:.0f} min</translation>
    </message>
    <message>
        <source>{0} GPUs failed in the last hour; about {1:.0f} are normal for {2:,.0f} GPUs (alarm from {3:.0f})</source>
        <translation>{0} GPU en panne dans la dernière heure ; environ {1:.0f} sont normaux pour {2:,.0f} GPU (alarme à partir de {3:.0f})</translation>
    </message>
    <message>
        <source>Planned work on {0} until {1} UTC: {2}</source>
        <translation>Travaux planifiés sur {0} jusqu&apos;à {1} UTC : {2}</translation>
    </message>
    <message>
        <source>racks</source>
        <translation>baies</translation>
    </message>
    <message>
        <source>gpus</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>power</source>
        <translation>puissance</translation>
    </message>
    <message>
        <source>jobs</source>
        <translation>jobs</translation>
    </message>
    <message>
        <source>events</source>
        <translation>événements</translation>
    </message>
    <message>
        <source>forecast</source>
        <translation>prévision</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>du site</translation>
    </message>
    <message>
        <source>Racks</source>
        <translation>des baies</translation>
    </message>
    <message>
        <source>Gpus</source>
        <translation>des GPU</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>de puissance</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>des jobs</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>des événements</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>de prévision</translation>
    </message>
</context>
<context>
    <name>ClearItemDialog</name>
    <message>
        <source>Clear open item</source>
        <translation>Clore un point ouvert</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>votre nom</translation>
    </message>
    <message>
        <source>Cleared by</source>
        <translation>Clos par</translation>
    </message>
    <message>
        <source>Clear item</source>
        <translation>Clore le point</translation>
    </message>
</context>
<context>
    <name>DataSourcesDialog</name>
    <message>
        <source>Data sources</source>
        <translation>Sources de données</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Vue</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Indicateur</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <source>What to enable</source>
        <translation>À activer</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>Relancer</translation>
    </message>
    <message>
        <source>This window shows a cache file (review): there is no live source to check.</source>
        <translation>Cette fenêtre affiche un fichier cache (revue) : pas de source en direct à vérifier.</translation>
    </message>
    <message>
        <source>Asking {0}…</source>
        <translation>Interrogation de {0}…</translation>
    </message>
    <message>
        <source>the source</source>
        <translation>la source</translation>
    </message>
    <message>
        <source>{0}: {1} found, {2} missing, {3} errors.</source>
        <translation>{0} : {1} trouvés, {2} absents, {3} erreurs.</translation>
    </message>
    <message>
        <source>Nothing could be read: {0}</source>
        <translation>Rien n&apos;a pu être lu : {0}</translation>
    </message>
    <message>
        <source>found</source>
        <translation>trouvé</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>absent</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>{0} — shift handover — {1}</source>
        <translation>{0} — relève de poste — {1}</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>Page {0} sur {1}</translation>
    </message>
    <message>
        <source>as shown at {0} site time · {1} × {2} px</source>
        <translation>tel qu&apos;affiché à {0} heure du site · {1} × {2} px</translation>
    </message>
    <message>
        <source>as shown at {0} site time</source>
        <translation>tel qu&apos;affiché à {0} heure du site</translation>
    </message>
    <message>
        <source>Shift handover {0} {1}</source>
        <translation>Relève de poste {0} {1}</translation>
    </message>
    <message>
        <source>Capturing {0}</source>
        <translation>Capture : {0}</translation>
    </message>
    <message>
        <source>Writing the report (PDF)</source>
        <translation>Écriture du rapport (PDF)</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export shift handover</source>
        <translation>Exporter la relève de poste</translation>
    </message>
    <message>
        <source>an empty folder for the pack</source>
        <translation>un dossier vide pour le dossier de relève</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Current shift</source>
        <translation>Poste en cours</translation>
    </message>
    <message>
        <source>Previous shift</source>
        <translation>Poste précédent</translation>
    </message>
    <message>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <source>Notes for the next shift (plain text)</source>
        <translation>Notes pour le poste suivant (texte brut)</translation>
    </message>
    <message>
        <source>Replace the folder if it already holds a handover pack</source>
        <translation>Remplacer le dossier s&apos;il contient déjà un dossier de relève</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Shift (%1)</source>
        <translation>Poste (%1)</translation>
    </message>
    <message>
        <source>Operator notes</source>
        <translation>Notes de l&apos;opérateur</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Folder for the handover pack</source>
        <translation>Dossier du dossier de relève</translation>
    </message>
    <message>
        <source>Collecting the shift&apos;s data…</source>
        <translation>Collecte des données du poste…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Exporting handover</source>
        <translation>Export de la relève</translation>
    </message>
    <message>
        <source>Not exported: %1</source>
        <translation>Non exporté : %1</translation>
    </message>
    <message>
        <source>Handover pack written to %1</source>
        <translation>Dossier de relève écrit dans %1</translation>
    </message>
</context>
<context>
    <name>Feed</name>
    <message>
        <source>rack detail is not available from this feed</source>
        <translation>le détail de baie n&apos;est pas disponible depuis ce flux</translation>
    </message>
    <message>
        <source>a handover cannot be journaled from this window</source>
        <translation>une relève ne peut pas être journalisée depuis cette fenêtre</translation>
    </message>
    <message>
        <source>alarms cannot be changed from this window</source>
        <translation>les alarmes ne peuvent pas être modifiées depuis cette fenêtre</translation>
    </message>
    <message>
        <source>the shift log cannot be written from this window</source>
        <translation>la main courante ne peut pas être écrite depuis cette fenêtre</translation>
    </message>
</context>
<context>
    <name>GpuHealth</name>
    <message>
        <source>healthy</source>
        <translation>sain</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>dégradé</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>en panne</translation>
    </message>
    <message>
        <source>off the bus</source>
        <translation>hors du bus</translation>
    </message>
    <message>
        <source>GPU stopped processing (channel timeout)</source>
        <translation>Le GPU a cessé de traiter (délai du canal dépassé)</translation>
    </message>
    <message>
        <source>Restart the job; if it repeats on this GPU, drain the node and reset the GPU.</source>
        <translation>Relancer la tâche ; si cela se répète sur ce GPU, vider le nœud et réinitialiser le GPU.</translation>
    </message>
    <message>
        <source>Graphics engine exception (often an application fault)</source>
        <translation>Exception du moteur graphique (souvent une faute de l&apos;application)</translation>
    </message>
    <message>
        <source>Restart the job; if it repeats with other jobs on this GPU, drain the node and run DCGM diagnostics (dcgmi diag -r 3).</source>
        <translation>Relancer la tâche ; si cela se répète avec d&apos;autres tâches sur ce GPU, vider le nœud et lancer les diagnostics DCGM (dcgmi diag -r 3).</translation>
    </message>
    <message>
        <source>GPU memory page fault (illegal address, usually the application)</source>
        <translation>Défaut de page mémoire GPU (adresse illégale, en général l&apos;application)</translation>
    </message>
    <message>
        <source>Tell the tenant (application bug is likeliest); if it repeats across jobs, drain the node and run DCGM diagnostics.</source>
        <translation>Prévenir le locataire (un bogue de l&apos;application est le plus probable) ; si cela se répète d&apos;une tâche à l&apos;autre, vider le nœud et lancer les diagnostics DCGM.</translation>
    </message>
    <message>
        <source>GPU stopped processing: the application hit a software fault; the GPU itself is healthy</source>
        <translation>Le GPU a cessé de traiter : l&apos;application a rencontré une faute logicielle ; le GPU lui-même est sain</translation>
    </message>
    <message>
        <source>No hardware action: the job was stopped; restart it.</source>
        <translation>Aucune action matérielle : la tâche a été arrêtée ; la relancer.</translation>
    </message>
    <message>
        <source>Preemptive cleanup after an earlier error or a killed job</source>
        <translation>Nettoyage préventif après une erreur antérieure ou une tâche tuée</translation>
    </message>
    <message>
        <source>No action alone; look for an earlier XID on this GPU and act on that one.</source>
        <translation>Aucune action seule ; chercher un XID antérieur sur ce GPU et agir sur celui-là.</translation>
    </message>
    <message>
        <source>Uncorrectable (double-bit) ECC memory error</source>
        <translation>Erreur mémoire ECC non corrigible (double bit)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU to remap the row; if remapping fails (XID 64), replace the GPU.</source>
        <translation>Vider le nœud et réinitialiser le GPU pour remapper la ligne ; si le remappage échoue (XID 64), remplacer le GPU.</translation>
    </message>
    <message>
        <source>Internal micro-controller breakpoint/warning</source>
        <translation>Point d&apos;arrêt/avertissement du micro-contrôleur interne</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; open a case with NVIDIA if it repeats.</source>
        <translation>Vider le nœud et réinitialiser le GPU ; ouvrir un dossier chez NVIDIA si cela se répète.</translation>
    </message>
    <message>
        <source>Internal micro-controller halted</source>
        <translation>Micro-contrôleur interne arrêté</translation>
    </message>
    <message>
        <source>ECC row remapping recorded (pending until GPU reset)</source>
        <translation>Remappage de ligne ECC enregistré (en attente jusqu&apos;à la réinitialisation du GPU)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU at the next opportunity to apply the remap.</source>
        <translation>Vider le nœud et réinitialiser le GPU à la prochaine occasion pour appliquer le remappage.</translation>
    </message>
    <message>
        <source>ECC row remapping failed: no spare rows left</source>
        <translation>Échec du remappage de ligne ECC : plus de lignes de réserve</translation>
    </message>
    <message>
        <source>Drain the node and replace the GPU (RMA).</source>
        <translation>Vider le nœud et remplacer le GPU (RMA).</translation>
    </message>
    <message>
        <source>NVLink error (link training or data errors)</source>
        <translation>Erreur NVLink (apprentissage du lien ou erreurs de données)</translation>
    </message>
    <message>
        <source>Drain the node; reset the GPU; check NVLink cabling/NVSwitch tray; service the hardware if it persists.</source>
        <translation>Vider le nœud ; réinitialiser le GPU ; vérifier le câblage NVLink/le tiroir NVSwitch ; réparer le matériel si cela persiste.</translation>
    </message>
    <message>
        <source>GPU has fallen off the bus (not reachable on PCIe)</source>
        <translation>Le GPU est tombé du bus (inaccessible sur PCIe)</translation>
    </message>
    <message>
        <source>Drain the node and power-cycle it; check PCIe seating, power and cooling; replace the GPU or baseboard if it repeats.</source>
        <translation>Vider le nœud et le redémarrer électriquement ; vérifier l&apos;insertion PCIe, l&apos;alimentation et le refroidissement ; remplacer le GPU ou la carte de base si cela se répète.</translation>
    </message>
    <message>
        <source>High rate of correctable (single-bit) ECC errors</source>
        <translation>Taux élevé d&apos;erreurs ECC corrigibles (simple bit)</translation>
    </message>
    <message>
        <source>Watch the SBE count; drain and reset the GPU at the next opportunity; replace if the rate stays high.</source>
        <translation>Surveiller le compte SBE ; vider et réinitialiser le GPU à la prochaine occasion ; le remplacer si le taux reste élevé.</translation>
    </message>
    <message>
        <source>Contained ECC error: one application was stopped, others are unaffected</source>
        <translation>Erreur ECC contenue : une application a été arrêtée, les autres ne sont pas touchées</translation>
    </message>
    <message>
        <source>Restart the stopped job; drain and reset the GPU at the next opportunity to remap the row.</source>
        <translation>Relancer la tâche arrêtée ; vider et réinitialiser le GPU à la prochaine occasion pour remapper la ligne.</translation>
    </message>
    <message>
        <source>Uncontained ECC error: every application on the GPU is affected</source>
        <translation>Erreur ECC non contenue : toutes les applications du GPU sont touchées</translation>
    </message>
    <message>
        <source>Drain the node now and reset the GPU; replace it if the reset does not clear it.</source>
        <translation>Vider le nœud maintenant et réinitialiser le GPU ; le remplacer si la réinitialisation ne suffit pas.</translation>
    </message>
    <message>
        <source>GPU System Processor (GSP) did not answer in time</source>
        <translation>Le processeur système du GPU (GSP) n&apos;a pas répondu à temps</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; if it repeats, check the driver version and open a case with NVIDIA.</source>
        <translation>Vider le nœud et réinitialiser le GPU ; si cela se répète, vérifier la version du pilote et ouvrir un dossier chez NVIDIA.</translation>
    </message>
    <message>
        <source>GPU System Processor (GSP) error</source>
        <translation>Erreur du processeur système du GPU (GSP)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; if it repeats, open a case with NVIDIA.</source>
        <translation>Vider le nœud et réinitialiser le GPU ; si cela se répète, ouvrir un dossier chez NVIDIA.</translation>
    </message>
    <message>
        <source>Unrecovered ECC error (memory)</source>
        <translation>Erreur ECC non récupérée (mémoire)</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU; replace it if the error returns.</source>
        <translation>Vider le nœud et réinitialiser le GPU ; le remplacer si l&apos;erreur revient.</translation>
    </message>
    <message>
        <source>The driver asks for a recovery action (reset or reboot)</source>
        <translation>Le pilote demande une action de reprise (réinitialisation ou redémarrage)</translation>
    </message>
    <message>
        <source>Drain the node and perform the requested reset or reboot.</source>
        <translation>Vider le nœud et effectuer la réinitialisation ou le redémarrage demandé.</translation>
    </message>
    <message>
        <source>GPU idle</source>
        <translation>GPU inactif</translation>
    </message>
    <message>
        <source>applications clocks setting</source>
        <translation>réglage des horloges d&apos;application</translation>
    </message>
    <message>
        <source>SW power cap</source>
        <translation>plafond de puissance logiciel</translation>
    </message>
    <message>
        <source>HW slowdown</source>
        <translation>ralentissement matériel</translation>
    </message>
    <message>
        <source>sync boost</source>
        <translation>sync boost</translation>
    </message>
    <message>
        <source>SW thermal slowdown</source>
        <translation>ralentissement thermique logiciel</translation>
    </message>
    <message>
        <source>HW thermal slowdown</source>
        <translation>ralentissement thermique matériel</translation>
    </message>
    <message>
        <source>HW power brake slowdown</source>
        <translation>ralentissement par frein de puissance matériel</translation>
    </message>
    <message>
        <source>display clock setting</source>
        <translation>réglage de l&apos;horloge d&apos;affichage</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n.d.</translation>
    </message>
    <message>
        <source>other (0x{0})</source>
        <translation>autre (0x{0})</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Check the rack&apos;s cooling and inlet temperature; drain the node if the GPU stays hot.</source>
        <translation>Vérifier le refroidissement et la température d&apos;entrée de la baie ; vider le nœud si le GPU reste chaud.</translation>
    </message>
    <message>
        <source>Check the rack&apos;s PDU feeds and power supplies (power brake asserted).</source>
        <translation>Vérifier les alimentations PDU et les blocs d&apos;alimentation de la baie (frein de puissance activé).</translation>
    </message>
    <message>
        <source>Check power supplies and cooling of the node; drain it if the slowdown persists.</source>
        <translation>Vérifier les blocs d&apos;alimentation et le refroidissement du nœud ; le vider si le ralentissement persiste.</translation>
    </message>
    <message>
        <source>XID {0} (not in the console&apos;s catalogue)</source>
        <translation>XID {0} (absent du catalogue de la console)</translation>
    </message>
    <message>
        <source>Look the XID up in NVIDIA&apos;s XID catalogue; drain the node if it repeats.</source>
        <translation>Chercher le XID dans le catalogue XID de NVIDIA ; vider le nœud si cela se répète.</translation>
    </message>
    <message>
        <source>XID {0}: {1}</source>
        <translation>XID {0} : {1}</translation>
    </message>
    <message>
        <source>GPU off the bus (not reachable on PCIe)</source>
        <translation>GPU hors du bus (inaccessible sur PCIe)</translation>
    </message>
    <message>
        <source>ECC row remapping failed</source>
        <translation>Échec du remappage de ligne ECC</translation>
    </message>
    <message>
        <source>{0} uncorrectable (double-bit) ECC error(s)</source>
        <translation>{0} erreur(s) ECC non corrigible(s) (double bit)</translation>
    </message>
    <message>
        <source>Throttled: {0} at {1:.0f} °C</source>
        <translation>Ralenti : {0} à {1:.0f} °C</translation>
    </message>
    <message>
        <source>Throttled: {0}</source>
        <translation>Ralenti : {0}</translation>
    </message>
    <message>
        <source>Hot: {0:.0f} °C (no throttling reported)</source>
        <translation>Chaud : {0:.0f} °C (aucun ralentissement signalé)</translation>
    </message>
    <message>
        <source>GPU {0} (no cause reported)</source>
        <translation>GPU {0} (aucune cause signalée)</translation>
    </message>
    <message>
        <source>Drain the node and run DCGM diagnostics (dcgmi diag -r 3).</source>
        <translation>Vider le nœud et lancer les diagnostics DCGM (dcgmi diag -r 3).</translation>
    </message>
    <message>
        <source>Watch it; run DCGM diagnostics when the node is next drained.</source>
        <translation>Le surveiller ; lancer les diagnostics DCGM au prochain vidage du nœud.</translation>
    </message>
    <message>
        <source>{0} (reported {1} times in 24 h)</source>
        <translation>{0} (signalé {1} fois en 24 h)</translation>
    </message>
    <message>
        <source>site</source>
        <translation>site</translation>
    </message>
    <message>
        <source>all</source>
        <translation>tous</translation>
    </message>
</context>
<context>
    <name>GpuHealthView</name>
    <message>
        <source>Hall</source>
        <translation>Salle</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Rangée</translation>
    </message>
    <message>
        <source>Rack</source>
        <translation>Baie</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Emplacement</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>Cause</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Depuis</translation>
    </message>
    <message>
        <source>Recommended action</source>
        <translation>Action recommandée</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>Sains</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Dégradés</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>En panne</translation>
    </message>
    <message>
        <source>Off the bus</source>
        <translation>Hors du bus</translation>
    </message>
    <message>
        <source>Show in maintenance list</source>
        <translation>Afficher dans la liste de maintenance</translation>
    </message>
    <message>
        <source>Filter: rack, node, UUID, XID, cause… (all words)</source>
        <translation>Filtre : baie, nœud, UUID, XID, cause… (tous les mots)</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>All halls</source>
        <translation>Toutes les salles</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>pas encore de données</translation>
    </message>
    <message>
        <source>Hall {0} · {1}</source>
        <translation>Salle {0} · {1}</translation>
    </message>
    <message>
        <source>ECC not collected: enable DCGM_FI_DEV_ECC_DBE_VOL_TOTAL in dcgm-exporter&apos;s counters file (commented out by default)</source>
        <translation>ECC non collecté : activez DCGM_FI_DEV_ECC_DBE_VOL_TOTAL dans le fichier des compteurs de dcgm-exporter (commenté par défaut)</translation>
    </message>
    <message>
        <source>Throttling not collected: enable DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS before DCGM 3.1) in dcgm-exporter&apos;s counters file</source>
        <translation>Bridage non collecté : activez DCGM_FI_DEV_CLOCKS_EVENT_REASONS (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS avant DCGM 3.1) dans le fichier des compteurs de dcgm-exporter</translation>
    </message>
    <message>
        <source>Row remap failures not collected: enable DCGM_FI_DEV_ROW_REMAP_FAILURE in dcgm-exporter&apos;s counters file</source>
        <translation>Échecs de remappage de lignes non collectés : activez DCGM_FI_DEV_ROW_REMAP_FAILURE dans le fichier des compteurs de dcgm-exporter</translation>
    </message>
    <message>
        <source>XIDs not collected: enable DCGM_FI_DEV_XID_ERRORS in dcgm-exporter&apos;s counters file</source>
        <translation>XID non collectés : activez DCGM_FI_DEV_XID_ERRORS dans le fichier des compteurs de dcgm-exporter</translation>
    </message>
    <message>
        <source>{signal} not collected</source>
        <translation>{signal} non collecté</translation>
    </message>
    <message>
        <source>Not checked (GPUs with these faults are not listed):</source>
        <translation>Non vérifié (les GPU présentant ces défauts ne sont pas listés) :</translation>
    </message>
    <message>
        <source> — STALE</source>
        <translation> — PÉRIMÉ</translation>
    </message>
    <message>
        <source>{0} of {1} unhealthy GPUs · list {2} old ({3})</source>
        <translation>{0} sur {1} GPU en défaut · liste vieille de {2} ({3})</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <source>Site status</source>
        <translation>État du site</translation>
    </message>
    <message>
        <source>Alarms standing and shelved</source>
        <translation>Alarmes actives et en attente</translation>
    </message>
    <message>
        <source>Equipment out of service</source>
        <translation>Équipements hors service</translation>
    </message>
    <message>
        <source>Limits and temporary arrangements in force</source>
        <translation>Limites et dispositions temporaires en vigueur</translation>
    </message>
    <message>
        <source>Planned work next shift</source>
        <translation>Travaux planifiés au poste suivant</translation>
    </message>
    <message>
        <source>Open log items</source>
        <translation>Points ouverts de la main courante</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>high</source>
        <translation>haute</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <source>low</source>
        <translation>basse</translation>
    </message>
    <message>
        <source>diagnostic</source>
        <translation>diagnostic</translation>
    </message>
    <message>
        <source>operations</source>
        <translation>exploitation</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>maintenance</translation>
    </message>
    <message>
        <source>safety</source>
        <translation>sécurité</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>client</translation>
    </message>
    <message>
        <source>Hand over shift</source>
        <translation>Relève de poste</translation>
    </message>
    <message>
        <source>Shift handed over: {0}</source>
        <translation>Relève passée : {0}</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>votre nom</translation>
    </message>
    <message>
        <source>What the next shift must know: what was done, what to watch (plain text)</source>
        <translation>Ce que le poste suivant doit savoir : ce qui a été fait, ce qu&apos;il faut surveiller (texte brut)</translation>
    </message>
    <message>
        <source>Outgoing operator</source>
        <translation>Opérateur sortant</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <source>Refresh the checklist</source>
        <translation>Actualiser la liste de contrôle</translation>
    </message>
    <message>
        <source>Read the live data again; an item whose content changed is unticked</source>
        <translation>Relire les données en direct ; un point dont le contenu a changé est décoché</translation>
    </message>
    <message>
        <source>the incoming operator&apos;s name</source>
        <translation>le nom de l&apos;opérateur entrant</translation>
    </message>
    <message>
        <source>Incoming operator</source>
        <translation>Opérateur entrant</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Passer la relève</translation>
    </message>
    <message>
        <source>Checklist (tick each item once you have gone over it with the incoming operator)</source>
        <translation>Liste de contrôle (cochez chaque point une fois vu avec l&apos;opérateur entrant)</translation>
    </message>
    <message>
        <source>No limit or temporary arrangement in force.</source>
        <translation>Aucune limite ni disposition temporaire en vigueur.</translation>
    </message>
    <message>
        <source>No open log item.</source>
        <translation>Aucun point ouvert dans la main courante.</translation>
    </message>
    <message>
        <source>No power data received.</source>
        <translation>Aucune donnée de puissance reçue.</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n.d.</translation>
    </message>
    <message>
        <source>Facility load {0} MW · IT load {1} MW · PUE {2} · renewable share {3} %</source>
        <translation>Charge du site {0} MW · charge IT {1} MW · PUE {2} · part renouvelable {3} %</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connexion</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en direct</translation>
    </message>
    <message>
        <source>missed poll</source>
        <translation>interrogation manquée</translation>
    </message>
    <message>
        <source>COMM LOSS</source>
        <translation>PERTE COMM</translation>
    </message>
    <message>
        <source>Communication: {0}; data age {1}</source>
        <translation>Communication : {0} ; âge des données {1}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>No alarm list received yet.</source>
        <translation>Aucune liste d&apos;alarmes reçue.</translation>
    </message>
    <message>
        <source>Unacknowledged: {0}</source>
        <translation>Non acquittées : {0}</translation>
    </message>
    <message>
        <source>Acknowledged, still standing: {0}</source>
        <translation>Acquittées, toujours actives : {0}</translation>
    </message>
    <message>
        <source>Shelved: {0}</source>
        <translation>En attente : {0}</translation>
    </message>
    <message>
        <source>until {0}</source>
        <translation>jusqu&apos;à {0}</translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation>sans échéance</translation>
    </message>
    <message>
        <source>{0} {1}: {2} — {3}</source>
        <translation>{0} {1} : {2} — {3}</translation>
    </message>
    <message>
        <source>… and {0} more</source>
        <translation>… et {0} de plus</translation>
    </message>
    <message>
        <source>Suppressed or out of service: {0}</source>
        <translation>Supprimées ou hors service : {0}</translation>
    </message>
    <message>
        <source>No maintenance list received yet.</source>
        <translation>Aucune liste de maintenance reçue.</translation>
    </message>
    <message>
        <source>Maintenance list: {0} devices</source>
        <translation>Liste de maintenance : {0} équipements</translation>
    </message>
    <message>
        <source>Servers with an unhealthy GPU: {0} drained · {1} in maintenance · {2} down</source>
        <translation>Serveurs avec un GPU en défaut : {0} en drain · {1} en maintenance · {2} arrêtés</translation>
    </message>
    <message>
        <source>The shift log could not be read: {0}</source>
        <translation>La main courante n&apos;a pas pu être lue : {0}</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>{0} open items</source>
        <translation>{0} points ouverts</translation>
    </message>
    <message>
        <source>{0} {1} ({2}): {3}</source>
        <translation>{0} {1} ({2}) : {3}</translation>
    </message>
    <message>
        <source>No alarm list received yet (planned work comes with it).</source>
        <translation>Aucune liste d&apos;alarmes reçue (les travaux planifiés l&apos;accompagnent).</translation>
    </message>
    <message>
        <source>No planned work in force or starting within 12 h.</source>
        <translation>Aucuns travaux planifiés en cours ou débutant dans les 12 h.</translation>
    </message>
    <message>
        <source>in force until {0}</source>
        <translation>en vigueur jusqu&apos;à {0}</translation>
    </message>
    <message>
        <source>{0} to {1}</source>
        <translation>{0} à {1}</translation>
    </message>
    <message>
        <source>{0}: {1} — {2} ({3})</source>
        <translation>{0} : {1} — {2} ({3})</translation>
    </message>
    <message>
        <source>Tick every checklist item ({0} left).</source>
        <translation>Cochez chaque point de la liste ({0} restants).</translation>
    </message>
    <message>
        <source>Give the outgoing operator&apos;s name.</source>
        <translation>Indiquez le nom de l&apos;opérateur sortant.</translation>
    </message>
    <message>
        <source>The incoming operator gives their name to take the shift over.</source>
        <translation>L&apos;opérateur entrant indique son nom pour prendre le poste.</translation>
    </message>
    <message>
        <source>The incoming operator must be someone else than the outgoing one.</source>
        <translation>L&apos;opérateur entrant doit être une autre personne que l&apos;opérateur sortant.</translation>
    </message>
    <message>
        <source>Not handed over: {0}</source>
        <translation>Relève non passée : {0}</translation>
    </message>
    <message>
        <source>Not handed over: this window has no live session to journal the handover.</source>
        <translation>Relève non passée : cette fenêtre n&apos;a pas de session en direct pour journaliser la relève.</translation>
    </message>
    <message>
        <source>Shift handed over from {0} to {1} at {2}; journaled.</source>
        <translation>Relève passée de {0} à {1} à {2} ; journalisée.</translation>
    </message>
</context>
<context>
    <name>IdleGpuView</name>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Racks</source>
        <translation>Baies</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Idle since</source>
        <translation>Inactif depuis</translation>
    </message>
    <message>
        <source>Idle for</source>
        <translation>Inactif pendant</translation>
    </message>
    <message>
        <source>GPU-h wasted</source>
        <translation>GPU-h perdues</translation>
    </message>
    <message>
        <source>kWh wasted</source>
        <translation>kWh perdus</translation>
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation>Utilisation des GPU</translation>
    </message>
    <message>
        <source>Idle allocated GPUs are read from the history cache.</source>
        <translation>Les GPU alloués inactifs sont lus dans le cache d&apos;historique.</translation>
    </message>
    <message>
        <source>Idle GPUs not read: {0}</source>
        <translation>GPU inactifs non lus : {0}</translation>
    </message>
    <message>
        <source>{jobs} job(s) holding {gpus} GPU(s) under {pct} % utilisation for at least {mins} min, at {time} ({checked} running jobs looked at); {kwh} kWh drawn while idle</source>
        <translation>{jobs} tâche(s) occupant {gpus} GPU sous {pct} % d&apos;utilisation depuis au moins {mins} min, à {time} ({checked} tâches en cours examinées) ; {kwh} kWh consommés à vide</translation>
    </message>
    <message>
        <source>{own} judged by the job&apos;s own utilisation, {bound} by the bound of its racks&apos; means</source>
        <translation>{own} jugé(s) sur l&apos;utilisation propre du job, {bound} sur la borne des moyennes de ses baies</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} min</translation>
    </message>
    <message>
        <source>{0} % (job&apos;s own)</source>
        <translation>{0} % (propre au job)</translation>
    </message>
    <message>
        <source>≤ {0} % (racks&apos; bound)</source>
        <translation>≤ {0} % (borne des baies)</translation>
    </message>
</context>
<context>
    <name>JobQueueView</name>
    <message>
        <source>All partitions</source>
        <translation>Toutes les partitions</translation>
    </message>
    <message>
        <source>All tenant kinds</source>
        <translation>Tous les types de locataires</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Tous les états</translation>
    </message>
    <message>
        <source>user</source>
        <translation>utilisateur</translation>
    </message>
    <message>
        <source>search id, name, tenant, user, rack, reason…</source>
        <translation>rechercher id, nom, locataire, utilisateur, baie, motif…</translation>
    </message>
    <message>
        <source>no jobs</source>
        <translation>aucun job</translation>
    </message>
    <message>
        <source>showing {0} of {1} jobs</source>
        <translation>{0} jobs affichés sur {1}</translation>
    </message>
    <message>
        <source>⚠ {0} jobs on racks with unhealthy GPUs</source>
        <translation>⚠ {0} jobs sur des baies aux GPU en défaut</translation>
    </message>
    <message>
        <source>⚠ STALE: jobs data {0} old</source>
        <translation>⚠ PÉRIMÉ : données des jobs vieilles de {0}</translation>
    </message>
    <message>
        <source>⚠ {0} invalid job records dropped (no job id or state)</source>
        <translation>⚠ {0} enregistrements de jobs invalides écartés (sans identifiant ni état)</translation>
    </message>
    <message>
        <source>Job {id} “{name}” by {user} of {tenant} · {partition} · {state}</source>
        <translation>Job {id} « {name} » de {user} ({tenant}) · {partition} · {state}</translation>
    </message>
    <message>
        <source> · job array: {n} tasks pending</source>
        <translation> · tableau de jobs : {n} tâches en attente</translation>
    </message>
    <message>
        <source> · racks {racks}</source>
        <translation> · baies {racks}</translation>
    </message>
    <message>
        <source> · ⚠ on a rack with unhealthy GPUs</source>
        <translation> · ⚠ sur une baie avec des GPU en défaut</translation>
    </message>
</context>
<context>
    <name>JobWords</name>
    <message>
        <source>waiting for 1 free node in partition {0}</source>
        <translation>attend 1 nœud libre dans la partition {0}</translation>
    </message>
    <message>
        <source>waiting for {0} free nodes in partition {1}</source>
        <translation>attend {0} nœuds libres dans la partition {1}</translation>
    </message>
    <message>
        <source>waiting for free nodes in partition {0}</source>
        <translation>attend des nœuds libres dans la partition {0}</translation>
    </message>
    <message>
        <source>waiting for 1 free GPU in partition {0}</source>
        <translation>attend 1 GPU libre dans la partition {0}</translation>
    </message>
    <message>
        <source>waiting for {0} free GPUs in partition {1}</source>
        <translation>attend {0} GPU libres dans la partition {1}</translation>
    </message>
    <message>
        <source>{0} of {1} free now</source>
        <translation>{0} sur {1} libres maintenant</translation>
    </message>
    <message>
        <source>{0} jobs pending there</source>
        <translation>{0} jobs en attente là</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>{0} array tasks, each {1}</source>
        <translation>{0} tâches de tableau, chacune {1}</translation>
    </message>
    <message>
        <source>pending, no reason given yet</source>
        <translation>en attente, aucune raison donnée pour l&apos;instant</translation>
    </message>
    <message>
        <source>held until the begin time its submitter set</source>
        <translation>retenu jusqu&apos;à l&apos;heure de début fixée par son auteur</translation>
    </message>
    <message>
        <source>asked not to start before its begin time: starts at {0} at the earliest</source>
        <translation>ne doit pas démarrer avant son heure de début : démarre au plus tôt le {0}</translation>
    </message>
    <message>
        <source>pending: Slurm reason {0}</source>
        <translation>en attente : raison Slurm {0}</translation>
    </message>
    <message>
        <source>{0} — Slurm: {1}</source>
        <translation>{0} — Slurm : {1}</translation>
    </message>
    <message>
        <source>a later time</source>
        <translation>une heure ultérieure</translation>
    </message>
    <message>
        <source>queued behind higher-priority jobs in partition {partition}</source>
        <translation>en file derrière des jobs plus prioritaires dans la partition {partition}</translation>
    </message>
    <message>
        <source>waiting for another job it depends on to finish</source>
        <translation>attend la fin d&apos;un job dont il dépend</translation>
    </message>
    <message>
        <source>will never start: a job it depends on failed or was cancelled</source>
        <translation>ne démarrera jamais : un job dont il dépend a échoué ou a été annulé</translation>
    </message>
    <message>
        <source>held by its owner {user}; they must release it (scontrol release)</source>
        <translation>retenu par son propriétaire {user}, qui doit le libérer (scontrol release)</translation>
    </message>
    <message>
        <source>held by an administrator; release it with scontrol release</source>
        <translation>retenu par un administrateur ; le libérer avec scontrol release</translation>
    </message>
    <message>
        <source>asked not to start before {begin}</source>
        <translation>ne doit pas démarrer avant le {begin}</translation>
    </message>
    <message>
        <source>partition {partition} is down; nothing starts there until it is up</source>
        <translation>la partition {partition} est arrêtée ; rien n&apos;y démarre avant son retour</translation>
    </message>
    <message>
        <source>partition {partition} is inactive; nothing starts there</source>
        <translation>la partition {partition} est inactive ; rien n&apos;y démarre</translation>
    </message>
    <message>
        <source>asks for more nodes ({nodes}) than partition {partition} allows</source>
        <translation>demande plus de nœuds ({nodes}) que la partition {partition} n&apos;en permet</translation>
    </message>
    <message>
        <source>asks for more time than partition {partition} allows</source>
        <translation>demande plus de temps que la partition {partition} n&apos;en permet</translation>
    </message>
    <message>
        <source>a node it needs is down, drained or reserved</source>
        <translation>un nœud dont il a besoin est arrêté, drainé ou réservé</translation>
    </message>
    <message>
        <source>a node it needs is down</source>
        <translation>un nœud dont il a besoin est arrêté</translation>
    </message>
    <message>
        <source>user {user} already uses the most GPUs their QOS allows</source>
        <translation>l&apos;utilisateur {user} utilise déjà le maximum de GPU que permet sa QOS</translation>
    </message>
    <message>
        <source>the QOS group has used up its GPU allowance</source>
        <translation>le groupe QOS a épuisé son allocation de GPU</translation>
    </message>
    <message>
        <source>tenant {tenant} already uses its whole GPU allocation</source>
        <translation>le client {tenant} utilise déjà toute son allocation de GPU</translation>
    </message>
    <message>
        <source>tenant {tenant} has spent its GPU-hours budget</source>
        <translation>le client {tenant} a épuisé son budget d&apos;heures GPU</translation>
    </message>
    <message>
        <source>tenant {tenant} runs the most jobs it is allowed at once</source>
        <translation>le client {tenant} exécute le maximum de jobs simultanés permis</translation>
    </message>
    <message>
        <source>tenant {tenant} runs the most jobs its group is allowed at once</source>
        <translation>le client {tenant} exécute le maximum de jobs simultanés permis à son groupe</translation>
    </message>
    <message>
        <source>user {user} runs the most jobs their QOS allows at once</source>
        <translation>l&apos;utilisateur {user} exécute le maximum de jobs simultanés que permet sa QOS</translation>
    </message>
    <message>
        <source>the QOS runs the most jobs it is allowed at once</source>
        <translation>la QOS exécute le maximum de jobs simultanés permis</translation>
    </message>
    <message>
        <source>the QOS resource limit is reached</source>
        <translation>la limite de ressources de la QOS est atteinte</translation>
    </message>
    <message>
        <source>waiting for its reservation to start</source>
        <translation>attend le début de sa réservation</translation>
    </message>
    <message>
        <source>waiting for a licence</source>
        <translation>attend une licence</translation>
    </message>
    <message>
        <source>its job array runs the most tasks it is allowed at once</source>
        <translation>son tableau de jobs exécute le maximum de tâches simultanées permis</translation>
    </message>
    <message>
        <source>will never start: its constraints match no node</source>
        <translation>ne démarrera jamais : ses contraintes ne correspondent à aucun nœud</translation>
    </message>
    <message>
        <source>will never start: its account is invalid</source>
        <translation>ne démarrera jamais : son compte est invalide</translation>
    </message>
    <message>
        <source>will never start: its QOS is invalid</source>
        <translation>ne démarrera jamais : sa QOS est invalide</translation>
    </message>
    <message>
        <source>starting: the prolog script is running</source>
        <translation>démarrage : le script prolog s&apos;exécute</translation>
    </message>
    <message>
        <source>waiting for burst-buffer space</source>
        <translation>attend de l&apos;espace de burst buffer</translation>
    </message>
    <message>
        <source>waiting for nodes to finish cleaning up after a previous job</source>
        <translation>attend que des nœuds finissent le nettoyage après un job précédent</translation>
    </message>
    <message>
        <source>launch failed; requeued and held, an administrator must look</source>
        <translation>échec du lancement ; remis en file et retenu, un administrateur doit intervenir</translation>
    </message>
    <message>
        <source>PENDING</source>
        <translation>EN ATTENTE</translation>
    </message>
    <message>
        <source>RUNNING</source>
        <translation>EN COURS</translation>
    </message>
    <message>
        <source>COMPLETED</source>
        <translation>TERMINÉ</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>ÉCHOUÉ</translation>
    </message>
    <message>
        <source>CANCELLED</source>
        <translation>ANNULÉ</translation>
    </message>
    <message>
        <source>TIMEOUT</source>
        <translation>HORS DÉLAI</translation>
    </message>
    <message>
        <source>COMPLETING</source>
        <translation>EN FINALISATION</translation>
    </message>
    <message>
        <source>NODE_FAIL</source>
        <translation>PANNE DE NŒUD</translation>
    </message>
    <message>
        <source>SUSPENDED</source>
        <translation>SUSPENDU</translation>
    </message>
</context>
<context>
    <name>JobsTableModel</name>
    <message>
        <source>Site time ({0})</source>
        <translation>Heure du site ({0})</translation>
    </message>
    <message>
        <source>{0} ({1} tasks × {2})</source>
        <translation>{0} ({1} tâches × {2})</translation>
    </message>
</context>
<context>
    <name>LogEntryDialog</name>
    <message>
        <source>Add shift-log entry</source>
        <translation>Ajouter une entrée à la main courante</translation>
    </message>
    <message>
        <source>What was done, what is out of service, what the next shift must do</source>
        <translation>Ce qui a été fait, ce qui est hors service, ce que le poste suivant doit faire</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>votre nom</translation>
    </message>
    <message>
        <source>Open item: carried to every handover until someone clears it</source>
        <translation>Point ouvert : reporté à chaque relève jusqu&apos;à ce que quelqu&apos;un le close</translation>
    </message>
    <message>
        <source>Untick a link to leave it out of the entry</source>
        <translation>Décochez un lien pour l&apos;exclure de l&apos;entrée</translation>
    </message>
    <message>
        <source>Nothing selected to link (select a rack, an alarm or a job first to link it)</source>
        <translation>Rien de sélectionné à lier (sélectionnez d&apos;abord une baie, une alarme ou un job)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Liens</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>Écrire</translation>
    </message>
    <message>
        <source>{0} of {1} characters</source>
        <translation>{0} sur {1} caractères</translation>
    </message>
    <message>
        <source>Not written: {0}</source>
        <translation>Non écrit : {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Rack map</source>
        <translation>Plan des baies</translation>
    </message>
    <message>
        <source>GPU health</source>
        <translation>Santé des GPU</translation>
    </message>
    <message>
        <source>Maintenance list</source>
        <translation>Liste de maintenance</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>Alarmes</translation>
    </message>
    <message>
        <source>Power and renewables</source>
        <translation>Puissance et renouvelables</translation>
    </message>
    <message>
        <source>Job queue</source>
        <translation>File des jobs</translation>
    </message>
    <message>
        <source>Shift log</source>
        <translation>Main courante</translation>
    </message>
    <message>
        <source>Energy steering</source>
        <translation>Pilotage énergétique</translation>
    </message>
    <message>
        <source>Energy by tenant</source>
        <translation>Énergie par client</translation>
    </message>
    <message>
        <source>Idle allocated GPUs</source>
        <translation>GPU alloués inactifs</translation>
    </message>
    <message>
        <source>Hub Operations Console — {0}</source>
        <translation>Console d&apos;exploitation du hub — {0}</translation>
    </message>
    <message>
        <source>Hub Operations Console — Review of {0}</source>
        <translation>Console d&apos;exploitation du hub — Revue de {0}</translation>
    </message>
    <message>
        <source>review — {0}</source>
        <translation>revue — {0}</translation>
    </message>
    <message>
        <source>REVIEW (offline)</source>
        <translation>REVUE (hors ligne)</translation>
    </message>
    <message>
        <source>as at {0}</source>
        <translation>au {0}</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>Ouverture…</translation>
    </message>
    <message>
        <source>Alarm action refused: {0}</source>
        <translation>Action sur l&apos;alarme refusée : {0}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open cache for review…</source>
        <translation>&amp;Ouvrir un cache en revue…</translation>
    </message>
    <message>
        <source>&amp;Export handover…</source>
        <translation>&amp;Exporter la relève…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Hand over shift…</source>
        <translation>&amp;Passer la relève…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <source>Add log &amp;entry…</source>
        <translation>Ajouter une &amp;entrée à la main courante…</translation>
    </message>
    <message>
        <source>A review shows the shift log as it stood; entries are written in the live console</source>
        <translation>Une revue montre la main courante telle qu&apos;elle était ; on y écrit dans la console en direct</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Full screen</source>
        <translation>&amp;Plein écran</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>&amp;Réinitialiser la disposition</translation>
    </message>
    <message>
        <source>&amp;Layouts</source>
        <translation>Dis&amp;positions</translation>
    </message>
    <message>
        <source>&amp;Wall mode…</source>
        <translation>Mode &amp;mur d&apos;écrans…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;Data sources…</source>
        <translation>Sources de &amp;données…</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>À &amp;propos</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>Source : {0}</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>connexion…</translation>
    </message>
    <message>
        <source>data age: —</source>
        <translation>âge des données : —</translation>
    </message>
    <message>
        <source>Job {0} is not in the job queue yet; it is selected when it arrives</source>
        <translation>Le job {0} n&apos;est pas encore dans la file ; il sera sélectionné à son arrivée</translation>
    </message>
    <message>
        <source>The shift log is written in the live console; a review shows it as it stood</source>
        <translation>La main courante s&apos;écrit dans la console en direct ; une revue la montre telle qu&apos;elle était</translation>
    </message>
    <message>
        <source>Shift log not written: {0}</source>
        <translation>Main courante non écrite : {0}</translation>
    </message>
    <message>
        <source>Job {0} is not a job number</source>
        <translation>Job {0} n&apos;est pas un numéro de job</translation>
    </message>
    <message>
        <source>Alarm {0} is not in the alarm list now</source>
        <translation>L&apos;alarme {0} n&apos;est plus dans la liste des alarmes</translation>
    </message>
    <message>
        <source>Incident {0}: open the cache for review (File → Open cache for review…) to replay it</source>
        <translation>Incident {0} : ouvrez le cache en revue (Fichier → Ouvrir un cache en revue…) pour le rejouer</translation>
    </message>
    <message>
        <source>Showing the floor as last recorded, {0} ago, until the source answers</source>
        <translation>Salle telle qu’enregistrée pour la dernière fois, il y a {0}, jusqu’à la réponse de la source</translation>
    </message>
    <message>
        <source>Rack {0}: {1}</source>
        <translation>Baie {0} : {1}</translation>
    </message>
    <message>
        <source>{uuid} is not on the maintenance list</source>
        <translation>{uuid} n&apos;est pas sur la liste de maintenance</translation>
    </message>
    <message>
        <source>Alarm evaluation works again</source>
        <translation>L’évaluation des alarmes fonctionne de nouveau</translation>
    </message>
    <message>
        <source>Cannot start the data source — {0}</source>
        <translation>Impossible de démarrer la source de données — {0}</translation>
    </message>
    <message>
        <source>source failed</source>
        <translation>échec de la source</translation>
    </message>
    <message>
        <source>the data source did not start</source>
        <translation>la source de données n&apos;a pas démarré</translation>
    </message>
    <message>
        <source>History cache unavailable — {0}. Live view continues; nothing is recorded until the cache works again (retrying).</source>
        <translation>Cache d&apos;historique indisponible — {0}. L&apos;affichage en direct continue ; rien n&apos;est enregistré tant que le cache ne fonctionne pas (nouvelle tentative).</translation>
    </message>
    <message>
        <source>History cache works again — recording resumed ({0} polls not recorded).</source>
        <translation>Le cache d&apos;historique fonctionne à nouveau — enregistrement repris ({0} interrogations non enregistrées).</translation>
    </message>
    <message>
        <source>{0} alarm or maintenance records were dropped.</source>
        <translation>{0} enregistrements d&apos;alarme ou de maintenance ont été écartés.</translation>
    </message>
    <message>
        <source> · hub clock {0:+.0f} s</source>
        <translation> · horloge du hub {0:+.0f} s</translation>
    </message>
    <message>
        <source> · hub clock off by {0}</source>
        <translation> · horloge du hub décalée de {0}</translation>
    </message>
    <message>
        <source>data age: {0}</source>
        <translation>âge des données : {0}</translation>
    </message>
    <message>
        <source>● live</source>
        <translation>● en direct</translation>
    </message>
    <message>
        <source>missed poll</source>
        <translation>interrogation manquée</translation>
    </message>
    <message>
        <source>COMM LOSS</source>
        <translation>PERTE COMM</translation>
    </message>
    <message>
        <source>missed poll — {0}</source>
        <translation>interrogation manquée — {0}</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>pas de réponse</translation>
    </message>
    <message>
        <source>COMM LOSS — no answer yet from the source: {0}.</source>
        <translation>PERTE COMM — pas encore de réponse de la source : {0}.</translation>
    </message>
    <message>
        <source>COMM LOSS — last answer {0} ago: {1}. Figures shown are stale.</source>
        <translation>PERTE COMM — dernière réponse il y a {0} : {1}. Les chiffres affichés sont périmés.</translation>
    </message>
    <message>
        <source>{0} racks no data</source>
        <translation>{0} baies sans données</translation>
    </message>
    <message>
        <source>{0} unknown racks in telemetry</source>
        <translation>{0} baies inconnues dans la télémétrie</translation>
    </message>
    <message>
        <source>{0} invalid job records dropped</source>
        <translation>{0} enregistrements de job invalides écartés</translation>
    </message>
    <message>
        <source>&amp;Save layout…</source>
        <translation>&amp;Enregistrer la disposition…</translation>
    </message>
    <message>
        <source>Load “{0}”</source>
        <translation>Charger « {0} »</translation>
    </message>
    <message>
        <source>&amp;Delete layout</source>
        <translation>&amp;Supprimer la disposition</translation>
    </message>
    <message>
        <source>Save layout</source>
        <translation>Enregistrer la disposition</translation>
    </message>
    <message>
        <source>Layout name:</source>
        <translation>Nom de la disposition :</translation>
    </message>
    <message>
        <source>Layout “{0}” saved</source>
        <translation>Disposition « {0} » enregistrée</translation>
    </message>
    <message>
        <source>No layout named “{0}”</source>
        <translation>Aucune disposition nommée « {0} »</translation>
    </message>
    <message>
        <source>Wall mode: {0}</source>
        <translation>Mode mur d&apos;écrans : {0}</translation>
    </message>
</context>
<context>
    <name>MaintenanceModel</name>
    <message>
        <source>{n} devices</source>
        <translation>{n} équipements</translation>
    </message>
    <message>
        <source>{k} of {n} devices</source>
        <translation>{k} sur {n} équipements</translation>
    </message>
    <message>
        <source>{detail}
NVML recovery action: {nvml}</source>
        <translation>{detail}
Action de récupération NVML : {nvml}</translation>
    </message>
    <message>
        <source>GPU {slot} · {uuid}</source>
        <translation>GPU {slot} · {uuid}</translation>
    </message>
    <message>
        <source>{uuid}
{model}, slot {slot} of {node}</source>
        <translation>{uuid}
{model}, emplacement {slot} de {node}</translation>
    </message>
    <message>
        <source>first reported {first}; latest report {last}</source>
        <translation>premier signalement {first} ; dernier signalement {last}</translation>
    </message>
    <message>
        <source>reported faulty {n} time(s) within 24 h</source>
        <translation>signalé défaillant {n} fois en 24 h</translation>
    </message>
</context>
<context>
    <name>MaintenanceView</name>
    <message>
        <source>{clock} ({ago} ago)</source>
        <translation>{clock} (il y a {ago})</translation>
    </message>
    <message>
        <source>Site time ({zone})</source>
        <translation>Heure du site ({zone})</translation>
    </message>
    <message>
        <source>Filter: rack, node, UUID, XID, job, tenant, action… (all words)</source>
        <translation>Filtre : baie, nœud, UUID, XID, job, locataire, action… (tous les mots)</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>pas encore de données</translation>
    </message>
    <message>
        <source>no maintenance list yet</source>
        <translation>pas encore de liste de maintenance</translation>
    </message>
    <message>
        <source>no maintenance list recorded at this time</source>
        <translation>aucune liste de maintenance enregistrée à ce moment</translation>
    </message>
    <message>
        <source>{k} of {n} devices to service</source>
        <translation>{k} sur {n} équipements à traiter</translation>
    </message>
    <message>
        <source>{n} devices to service</source>
        <translation>{n} équipements à traiter</translation>
    </message>
    <message>
        <source>{u} urgent</source>
        <translation>{u} urgentes</translation>
    </message>
    <message>
        <source>{s} throttled GPUs explained by site alarms</source>
        <translation>{s} GPU bridés expliqués par des alarmes du site</translation>
    </message>
    <message>
        <source>list {age} old ({clock} {zone})</source>
        <translation>liste vieille de {age} ({clock} {zone})</translation>
    </message>
    <message>
        <source> — STALE</source>
        <translation> — PÉRIMÉ</translation>
    </message>
    <message>
        <source>Drain and return for repair (RMA)</source>
        <translation>Vider et renvoyer en réparation (RMA)</translation>
    </message>
    <message>
        <source>Row remapping failed (no spare rows) or the same hardware fault came back {0} times within 24 h: drain the node and replace the GPU.</source>
        <translation>Échec du remappage de ligne (plus de lignes de réserve) ou la même panne matérielle est revenue {0} fois en 24 h : vider le nœud et remplacer le GPU.</translation>
    </message>
    <message>
        <source>Reboot / power-cycle the node</source>
        <translation>Redémarrer / couper l&apos;alimentation du nœud</translation>
    </message>
    <message>
        <source>GPU off the bus: drain the node and power-cycle it; check PCIe seating, power and cooling.</source>
        <translation>GPU hors du bus : vider le nœud et le redémarrer électriquement ; vérifier l&apos;insertion PCIe, l&apos;alimentation et le refroidissement.</translation>
    </message>
    <message>
        <source>Drain the node and reset the GPU</source>
        <translation>Vider le nœud et réinitialiser le GPU</translation>
    </message>
    <message>
        <source>Uncorrectable ECC, micro-controller or GSP error: drain the node now, reset the GPU, run DCGM diagnostics before it takes jobs again.</source>
        <translation>Erreur ECC non corrigible, du micro-contrôleur ou du GSP : vider le nœud maintenant, réinitialiser le GPU, lancer les diagnostics DCGM avant qu&apos;il reprenne des tâches.</translation>
    </message>
    <message>
        <source>Drain NVLink traffic and reset the GPU</source>
        <translation>Vider le trafic NVLink et réinitialiser le GPU</translation>
    </message>
    <message>
        <source>NVLink error: drain the node&apos;s peer-to-peer work, reset the GPU, check the NVLink cabling and NVSwitch tray.</source>
        <translation>Erreur NVLink : vider le travail pair à pair du nœud, réinitialiser le GPU, vérifier le câblage NVLink et le tiroir NVSwitch.</translation>
    </message>
    <message>
        <source>Check cooling of the GPU</source>
        <translation>Vérifier le refroidissement du GPU</translation>
    </message>
    <message>
        <source>Thermal throttling with no site cause: check the server&apos;s fans or cold plate flow and the GPU&apos;s seating.</source>
        <translation>Ralentissement thermique sans cause du site : vérifier les ventilateurs du serveur ou le débit de la plaque froide et l&apos;insertion du GPU.</translation>
    </message>
    <message>
        <source>Check the node&apos;s power supplies</source>
        <translation>Vérifier les alimentations du nœud</translation>
    </message>
    <message>
        <source>Power brake asserted with no site cause: check the server&apos;s power supplies and its PDU outlets.</source>
        <translation>Frein de puissance activé sans cause du site : vérifier les blocs d&apos;alimentation du serveur et ses prises PDU.</translation>
    </message>
    <message>
        <source>Reset the GPU at the next drain</source>
        <translation>Réinitialiser le GPU au prochain vidage</translation>
    </message>
    <message>
        <source>Row remap pending, contained ECC error or many correctable errors: the GPU works; reset it when the node is next drained.</source>
        <translation>Remappage de ligne en attente, erreur ECC contenue ou nombreuses erreurs corrigibles : le GPU fonctionne ; le réinitialiser au prochain vidage du nœud.</translation>
    </message>
    <message>
        <source>Run diagnostics at the next drain</source>
        <translation>Lancer les diagnostics au prochain vidage</translation>
    </message>
    <message>
        <source>Cause unknown or XID not in the catalogue: run DCGM diagnostics (dcgmi diag -r 3) when the node is next drained.</source>
        <translation>Cause inconnue ou XID absent du catalogue : lancer les diagnostics DCGM (dcgmi diag -r 3) au prochain vidage du nœud.</translation>
    </message>
    <message>
        <source>Restart the application (job&apos;s problem, GPU healthy)</source>
        <translation>Relancer l&apos;application (problème du job, GPU sain)</translation>
    </message>
    <message>
        <source>Application XID: the job hit a fault of its own; tell the tenant. Watch for the same XID with other jobs on this GPU.</source>
        <translation>XID d&apos;application : la tâche a rencontré une faute qui lui est propre ; prévenir le locataire. Surveiller le même XID avec d&apos;autres tâches sur ce GPU.</translation>
    </message>
</context>
<context>
    <name>PduBars</name>
    <message>
        <source>no PDU readings</source>
        <translation>aucune mesure PDU</translation>
    </message>
    <message>
        <source>Feed {0} </source>
        <translation>Voie {0} </translation>
    </message>
    <message>
        <source>Feed {0}</source>
        <translation>Voie {0}</translation>
    </message>
    <message>
        <source>TRIPPED</source>
        <translation>DÉCLENCHÉ</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>pas de données</translation>
    </message>
</context>
<context>
    <name>PlanList</name>
    <message>
        <source>Cancel plan…</source>
        <translation>Annuler le plan…</translation>
    </message>
    <message>
        <source>in force until {end}</source>
        <translation>en vigueur jusqu&apos;à {end}</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>{start} à {end}</translation>
    </message>
    <message>
        <source>{scope} · {when} · {operator}: {reason}</source>
        <translation>{scope} · {when} · {operator} : {reason}</translation>
    </message>
    <message>
        <source>Planned work {id}: alarms of {scope} raised from {start} to {end} are shelved until {end}.
By {operator}: {reason}</source>
        <translation>Travaux planifiés {id} : les alarmes de {scope} levées de {start} à {end} sont mises en attente jusqu&apos;à {end}.
Par {operator} : {reason}</translation>
    </message>
    <message>
        <source>Planned work ({n}), site time {zone}</source>
        <translation>Travaux planifiés ({n}), heure du site {zone}</translation>
    </message>
    <message>
        <source>Times are the site&apos;s: {0}</source>
        <translation>Heures du site : {0}</translation>
    </message>
</context>
<context>
    <name>PlanShelfDialog</name>
    <message>
        <source>Plan work</source>
        <translation>Planifier des travaux</translation>
    </message>
    <message>
        <source>Alarms of the scope raised between start and end are shelved at once, until the end. Every plan is journaled.</source>
        <translation>Les alarmes du périmètre levées entre le début et la fin sont mises en attente aussitôt, jusqu&apos;à la fin. Chaque plan est journalisé.</translation>
    </message>
    <message>
        <source>site, hall A, row A-03, rack A-03-07 or a server</source>
        <translation>site, salle A, rangée A-03, baie A-03-07 ou un serveur</translation>
    </message>
    <message>
        <source>Site time: {0}</source>
        <translation>Heure du site : {0}</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>votre nom</translation>
    </message>
    <message>
        <source>the work, its ticket or permit</source>
        <translation>les travaux, leur ticket ou permis</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Périmètre</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Début</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <source>give a scope</source>
        <translation>indiquez un périmètre</translation>
    </message>
    <message>
        <source>give your name</source>
        <translation>indiquez votre nom</translation>
    </message>
    <message>
        <source>give a reason</source>
        <translation>indiquez un motif</translation>
    </message>
    <message>
        <source>the end must be after the start</source>
        <translation>la fin doit suivre le début</translation>
    </message>
    <message>
        <source>the end must be in the future</source>
        <translation>la fin doit être dans le futur</translation>
    </message>
    <message>
        <source>planned work may last at most {0:g} days</source>
        <translation>des travaux planifiés durent au plus {0:g} jours</translation>
    </message>
</context>
<context>
    <name>PowerBalanceChart</name>
    <message>
        <source>solar</source>
        <translation>solaire</translation>
    </message>
    <message>
        <source>wind</source>
        <translation>éolien</translation>
    </message>
    <message>
        <source>battery out</source>
        <translation>décharge batterie</translation>
    </message>
    <message>
        <source>grid import</source>
        <translation>import réseau</translation>
    </message>
    <message>
        <source>battery in</source>
        <translation>charge batterie</translation>
    </message>
    <message>
        <source>curtailed</source>
        <translation>écrêté</translation>
    </message>
    <message>
        <source>renew. %</source>
        <translation>renouv. %</translation>
    </message>
    <message>
        <source>facility load</source>
        <translation>charge du site</translation>
    </message>
    <message>
        <source>IT load</source>
        <translation>Charge IT</translation>
    </message>
    <message>
        <source>battery charge level</source>
        <translation>niveau de charge de la batterie</translation>
    </message>
    <message>
        <source>renewable share</source>
        <translation>part renouvelable</translation>
    </message>
    <message>
        <source>carbon intensity</source>
        <translation>intensité carbone</translation>
    </message>
    <message>
        <source>Not metered (not in the site profile, [site.power]): {0}</source>
        <translation>Non mesuré (absent du profil du site, [site.power]) : {0}</translation>
    </message>
    <message>
        <source>Show range</source>
        <translation>Afficher la plage</translation>
    </message>
    <message>
        <source>from</source>
        <translation>de</translation>
    </message>
    <message>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <source>Follow live</source>
        <translation>Suivre en direct</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prévision</translation>
    </message>
    <message>
        <source>Draw the renewable supply forecast past now (median dashed, P10–P90 band)</source>
        <translation>Tracer la prévision de l&apos;offre renouvelable au-delà de maintenant (médiane en tirets, bande P10–P90)</translation>
    </message>
    <message>
        <source>renewable</source>
        <translation>renouvelable</translation>
    </message>
    <message>
        <source>carbon</source>
        <translation>carbone</translation>
    </message>
    <message>
        <source>now</source>
        <translation>maintenant</translation>
    </message>
    <message>
        <source>shift avg</source>
        <translation>moy. poste</translation>
    </message>
    <message>
        <source>shift peak</source>
        <translation>pic du poste</translation>
    </message>
    <message>
        <source>Move the mouse over the chart to read values.</source>
        <translation>Passez la souris sur le graphique pour lire les valeurs.</translation>
    </message>
    <message>
        <source>renewable forecast</source>
        <translation>prévision renouvelable</translation>
    </message>
    <message>
        <source>issued {0}</source>
        <translation>émise à {0}</translation>
    </message>
    <message>
        <source>{0} envelope</source>
        <translation>enveloppe {0}</translation>
    </message>
    <message>
        <source>forecast absent: {0}</source>
        <translation>prévision absente : {0}</translation>
    </message>
    <message>
        <source>none received yet</source>
        <translation>aucune reçue pour l&apos;instant</translation>
    </message>
    <message>
        <source>forecast flagged: {0}</source>
        <translation>prévision signalée : {0}</translation>
    </message>
    <message>
        <source>forecast not updated: {0}</source>
        <translation>prévision non mise à jour : {0}</translation>
    </message>
    <message>
        <source>{0} (not metered)</source>
        <translation>{0} (non mesuré)</translation>
    </message>
    <message>
        <source>Envelope not given (the site layout has no capacity_mw)</source>
        <translation>Enveloppe non fournie (le plan du site n&apos;a pas de capacity_mw)</translation>
    </message>
    <message>
        <source>Envelope {0}, headroom now {1}</source>
        <translation>Enveloppe {0}, marge actuelle {1}</translation>
    </message>
    <message>
        <source>Shift {0} (site time)</source>
        <translation>Poste {0} (heure du site)</translation>
    </message>
    <message>
        <source>⚠ {0} absurd value(s) rejected, not plotted</source>
        <translation>⚠ {0} valeur(s) aberrante(s) rejetée(s), non tracée(s)</translation>
    </message>
    <message>
        <source>⚠ STALE: power data {0} old</source>
        <translation>⚠ PÉRIMÉ : données de puissance vieilles de {0}</translation>
    </message>
    <message>
        <source>site time</source>
        <translation>heure du site</translation>
    </message>
    <message>
        <source> · renewable forecast (issued {0}) {1}, P10–P90 {2} to {3}</source>
        <translation> · prévision renouvelable (émise à {0}) {1}, P10–P90 de {2} à {3}</translation>
    </message>
    <message>
        <source> · facility {0} · IT {1} · solar {2} · wind {3} · battery out {4} · battery in {5} (SoC {6}) · grid {7} · curtailed {8} · renewable {9} · PUE {10} · carbon {11}</source>
        <translation> · site {0} · IT {1} · solaire {2} · éolien {3} · décharge batterie {4} · charge batterie {5} (SoC {6}) · réseau {7} · écrêté {8} · renouvelable {9} · PUE {10} · carbone {11}</translation>
    </message>
    <message>
        <source> · no data (missed poll)</source>
        <translation> · pas de données (interrogation manquée)</translation>
    </message>
</context>
<context>
    <name>PrintPages</name>
    <message>
        <source>Nothing to show.</source>
        <translation>Rien à afficher.</translation>
    </message>
    <message>
        <source>… and {0} more rows not shown on this page</source>
        <translation>… et {0} lignes de plus non affichées sur cette page</translation>
    </message>
    <message>
        <source>No power figures for this time.</source>
        <translation>Aucun chiffre de puissance pour ce moment.</translation>
    </message>
    <message>
        <source>{0:,.0f} MW envelope</source>
        <translation>enveloppe {0:,.0f} MW</translation>
    </message>
    <message>
        <source>site time ({0})</source>
        <translation>heure du site ({0})</translation>
    </message>
</context>
<context>
    <name>RackDetail</name>
    <message>
        <source>Rack power</source>
        <translation>Puissance de la baie</translation>
    </message>
    <message>
        <source>Inlet</source>
        <translation>Entrée d&apos;air</translation>
    </message>
    <message>
        <source>Hottest GPU</source>
        <translation>GPU le plus chaud</translation>
    </message>
    <message>
        <source>Mean GPU util</source>
        <translation>Util. GPU moyenne</translation>
    </message>
    <message>
        <source>← Map (Esc)</source>
        <translation>← Plan (Échap)</translation>
    </message>
    <message>
        <source>No rack selected</source>
        <translation>Aucune baie sélectionnée</translation>
    </message>
    <message>
        <source>Show in maintenance list</source>
        <translation>Afficher dans la liste de maintenance</translation>
    </message>
    <message>
        <source>Enter or double-click shows the job in the job queue</source>
        <translation>Entrée ou double-clic affiche le job dans la file des jobs</translation>
    </message>
    <message>
        <source>Servers and GPUs, unhealthy first</source>
        <translation>Serveurs et GPU, défaillants d&apos;abord</translation>
    </message>
    <message>
        <source>Click a heading to sort; Enter or double-click on a GPU shows its job in the job queue</source>
        <translation>Cliquez sur un en-tête pour trier ; Entrée ou double-clic sur un GPU affiche son job dans la file des jobs</translation>
    </message>
    <message>
        <source>PDU feeds: load against breaker rating (dashed: 80 %)</source>
        <translation>Voies PDU : charge par rapport au calibre du disjoncteur (pointillé : 80 %)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Jobs on this rack</source>
        <translation>Jobs sur cette baie</translation>
    </message>
    <message>
        <source>Recent events</source>
        <translation>Événements récents</translation>
    </message>
    <message>
        <source>  hall {hall} · row {row} · {model} {type} · {cooling} cooled · {servers} servers · {gpus} GPUs, {bad} unhealthy · read {clock} ({age} ago)</source>
        <translation>  salle {hall} · rangée {row} · {model} {type} · refroidissement {cooling} · {servers} serveurs · {gpus} GPU, {bad} en défaut · lu à {clock} (il y a {age})</translation>
    </message>
    <message>
        <source>Recent events (site time, {0})</source>
        <translation>Événements récents (heure du site, {0})</translation>
    </message>
    <message>
        <source>Select a GPU to see its job and tenant; Enter opens the job in the job queue.</source>
        <translation>Sélectionnez un GPU pour voir son job et son locataire ; Entrée ouvre le job dans la file des jobs.</translation>
    </message>
    <message>
        <source>Selected: {server} GPU {index} ({uuid}) · {status}</source>
        <translation>Sélection : {server} GPU {index} ({uuid}) · {status}</translation>
    </message>
    <message>
        <source> · no job</source>
        <translation> · aucun job</translation>
    </message>
    <message>
        <source> · job {id} “{name}” of {tenant}, user {user} · on this rack: {where}</source>
        <translation> · job {id} « {name} » de {tenant}, utilisateur {user} · sur cette baie : {where}</translation>
    </message>
    <message>
        <source>{n} GPUs on {k} servers: {hosts}</source>
        <translation>{n} GPU sur {k} serveurs : {hosts}</translation>
    </message>
</context>
<context>
    <name>RackMapOverlay</name>
    <message>
        <source>Rack power</source>
        <translation>Puissance de la baie</translation>
    </message>
    <message>
        <source>% of rack capacity (kW in tooltip)</source>
        <translation>% de la capacité de la baie (kW dans l&apos;infobulle)</translation>
    </message>
    <message>
        <source>90–100 % within capacity</source>
        <translation>90–100 % dans la capacité</translation>
    </message>
    <message>
        <source>&gt; 100 % over capacity</source>
        <translation>&gt; 100 % au-delà de la capacité</translation>
    </message>
    <message>
        <source>Inlet temperature</source>
        <translation>Température d&apos;entrée d&apos;air</translation>
    </message>
    <message>
        <source>≤ 27 recommended</source>
        <translation>≤ 27 recommandé</translation>
    </message>
    <message>
        <source>&gt; 27 above recommended</source>
        <translation>&gt; 27 au-dessus du recommandé</translation>
    </message>
    <message>
        <source>&gt; 32 above allowable</source>
        <translation>&gt; 32 au-dessus de l&apos;admissible</translation>
    </message>
    <message>
        <source>Hottest GPU</source>
        <translation>GPU le plus chaud</translation>
    </message>
    <message>
        <source>&gt; 85 hot</source>
        <translation>&gt; 85 chaud</translation>
    </message>
    <message>
        <source>&gt; 88 slowdown</source>
        <translation>&gt; 88 ralentissement</translation>
    </message>
    <message>
        <source>Mean GPU utilisation</source>
        <translation>Utilisation moyenne des GPU</translation>
    </message>
    <message>
        <source>Unhealthy GPUs</source>
        <translation>GPU en défaut</translation>
    </message>
    <message>
        <source>GPUs per rack</source>
        <translation>GPU par baie</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>Alarm state</source>
        <translation>État d&apos;alarme</translation>
    </message>
    <message>
        <source>highest priority</source>
        <translation>priorité la plus haute</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normal</translation>
    </message>
    <message>
        <source>low</source>
        <translation>basse</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <source>high</source>
        <translation>haute</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>Idle allocated GPUs</source>
        <translation>GPU alloués inactifs</translation>
    </message>
    <message>
        <source>GPUs per rack idle past the rule</source>
        <translation>GPU inactifs par baie au-delà de la règle</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>pas de données</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; · hall {1} · row {2} · {3}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; · salle {1} · rangée {2} · {3}</translation>
    </message>
    <message>
        <source>figures of this rack cannot be read</source>
        <translation>les chiffres de cette baie sont illisibles</translation>
    </message>
    <message>
        <source>figures {0} old (hub time {1})</source>
        <translation>chiffres vieux de {0} (heure du hub {1})</translation>
    </message>
    <message>
        <source> — STALE</source>
        <translation> — PÉRIMÉ</translation>
    </message>
    <message>
        <source>no data for this rack</source>
        <translation>pas de données pour cette baie</translation>
    </message>
    <message>
        <source>Power {0} ({1} of {2})</source>
        <translation>Puissance {0} ({1} de {2})</translation>
    </message>
    <message>
        <source>Inlet {0} · outlet {1}</source>
        <translation>Entrée {0} · sortie {1}</translation>
    </message>
    <message>
        <source>Hottest GPU {0} · mean util {1}</source>
        <translation>GPU le plus chaud {0} · util. moyenne {1}</translation>
    </message>
    <message>
        <source>Unhealthy GPUs {0} of {1}</source>
        <translation>GPU en défaut {0} sur {1}</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n.d.</translation>
    </message>
    <message>
        <source>Alarm: {0}</source>
        <translation>Alarme : {0}</translation>
    </message>
</context>
<context>
    <name>RackMapView</name>
    <message>
        <source>not collected on this site</source>
        <translation>non collecté sur ce site</translation>
    </message>
    <message>
        <source>Waiting for the site layout…</source>
        <translation>En attente du plan du site…</translation>
    </message>
    <message>
        <source>No site layout</source>
        <translation>Pas de plan du site</translation>
    </message>
    <message>
        <source>Hall {0}</source>
        <translation>Salle {0}</translation>
    </message>
    <message>
        <source>no data: {0} racks</source>
        <translation>pas de données : {0} baies</translation>
    </message>
    <message>
        <source>data age {0}</source>
        <translation>âge des données {0}</translation>
    </message>
    <message>
        <source>STALE — figures {0} old</source>
        <translation>PÉRIMÉ — chiffres vieux de {0}</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Rack map</source>
        <translation>Plan des baies</translation>
    </message>
    <message>
        <source>GPU health</source>
        <translation>Santé des GPU</translation>
    </message>
    <message>
        <source>Power balance</source>
        <translation>Bilan de puissance</translation>
    </message>
    <message>
        <source>Job queue</source>
        <translation>File des jobs</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>Alarmes</translation>
    </message>
    <message>
        <source>Supply = solar + wind + battery discharge + grid import; the battery charge and curtailment are renewable energy not used by the facility.</source>
        <translation>Approvisionnement = solaire + éolien + décharge batterie + import réseau ; la charge de la batterie et l&apos;écrêtement sont de l&apos;énergie renouvelable non utilisée par le site.</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Indicateur</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unité</translation>
    </message>
    <message>
        <source>Source / load</source>
        <translation>Source / charge</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Énergie</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Shift start</source>
        <translation>Début du poste</translation>
    </message>
    <message>
        <source>Shift end</source>
        <translation>Fin du poste</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Variation</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>By priority</source>
        <translation>Par priorité</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Depuis</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Operator — comment</source>
        <translation>Opérateur — commentaire</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Transition</source>
        <translation>Transition</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <source>Comment / message</source>
        <translation>Commentaire / message</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Poste</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Règle</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Levées</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Équipements</translation>
    </message>
    <message>
        <source>Rack</source>
        <translation>Baie</translation>
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
        <translation>Cause</translation>
    </message>
    <message>
        <source>Job / tenant</source>
        <translation>Job / locataire</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Vu la première fois</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Liens</translation>
    </message>
    <message>
        <source>Solar</source>
        <translation>Solaire</translation>
    </message>
    <message>
        <source>Wind</source>
        <translation>Éolien</translation>
    </message>
    <message>
        <source>Battery discharge</source>
        <translation>Décharge batterie</translation>
    </message>
    <message>
        <source>Grid import</source>
        <translation>Import réseau</translation>
    </message>
    <message>
        <source>Battery charge</source>
        <translation>Charge batterie</translation>
    </message>
    <message>
        <source>Curtailment</source>
        <translation>Écrêtement</translation>
    </message>
    <message>
        <source>Facility load</source>
        <translation>Charge du site</translation>
    </message>
    <message>
        <source>IT load</source>
        <translation>Charge IT</translation>
    </message>
    <message>
        <source>No power data: {0}</source>
        <translation>Pas de données de puissance : {0}</translation>
    </message>
    <message>
        <source>Alarm performance (EEMUA 191 / ISA-18.2)</source>
        <translation>Performance des alarmes (EEMUA 191 / ISA-18.2)</translation>
    </message>
    <message>
        <source>Energy by source</source>
        <translation>Énergie par source</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>Relève</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Incidents</translation>
    </message>
    <message>
        <source>Items cleared this shift</source>
        <translation>Points clos pendant ce poste</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Maintenance list</source>
        <translation>Liste de maintenance</translation>
    </message>
    <message>
        <source>Most frequent alarms</source>
        <translation>Alarmes les plus fréquentes</translation>
    </message>
    <message>
        <source>Open items carried forward</source>
        <translation>Points ouverts reportés</translation>
    </message>
    <message>
        <source>Operator notes</source>
        <translation>Notes de l&apos;opérateur</translation>
    </message>
    <message>
        <source>Power and energy</source>
        <translation>Puissance et énergie</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>Relève de poste</translation>
    </message>
    <message>
        <source>Shift log</source>
        <translation>Main courante</translation>
    </message>
    <message>
        <source>outside target</source>
        <translation>hors cible</translation>
    </message>
    <message>
        <source>within</source>
        <translation>dans la cible</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>Sains</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Dégradés</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>En panne</translation>
    </message>
    <message>
        <source>Off the bus (XID 79)</source>
        <translation>Hors bus (XID 79)</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n.d.</translation>
    </message>
    <message>
        <source>Shift (site time)</source>
        <translation>Poste (heure du site)</translation>
    </message>
    <message>
        <source>Shift (UTC)</source>
        <translation>Poste (UTC)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Généré</translation>
    </message>
    <message>
        <source>{0} site time · {1} UTC</source>
        <translation>{0} heure du site · {1} UTC</translation>
    </message>
    <message>
        <source>Screenshots show</source>
        <translation>Les captures montrent</translation>
    </message>
    <message>
        <source>{0} site time</source>
        <translation>{0} heure du site</translation>
    </message>
    <message>
        <source>shift in progress: figures up to {0}, planned end {1}</source>
        <translation>poste en cours : chiffres jusqu&apos;à {0}, fin prévue {1}</translation>
    </message>
    <message>
        <source>Site layout</source>
        <translation>Plan du site</translation>
    </message>
    <message>
        <source>Power and supply</source>
        <translation>Puissance et approvisionnement</translation>
    </message>
    <message>
        <source>Hub events</source>
        <translation>Événements du hub</translation>
    </message>
    <message>
        <source>Not in this pack (could not be read):</source>
        <translation>Absent de ce dossier (illisible) :</translation>
    </message>
    <message>
        <source>Limits of this report:</source>
        <translation>Limites de ce rapport :</translation>
    </message>
    <message>
        <source>Facility load, average</source>
        <translation>Charge du site, moyenne</translation>
    </message>
    <message>
        <source>Facility load, peak</source>
        <translation>Charge du site, pic</translation>
    </message>
    <message>
        <source>IT load, average</source>
        <translation>Charge IT, moyenne</translation>
    </message>
    <message>
        <source>IT load, peak</source>
        <translation>Charge IT, pic</translation>
    </message>
    <message>
        <source>Renewable share (energy-weighted)</source>
        <translation>Part renouvelable (pondérée par l&apos;énergie)</translation>
    </message>
    <message>
        <source>PUE (energy-weighted)</source>
        <translation>PUE (pondéré par l&apos;énergie)</translation>
    </message>
    <message>
        <source>Carbon intensity, average</source>
        <translation>Intensité carbone, moyenne</translation>
    </message>
    <message>
        <source>Carbon emitted</source>
        <translation>Carbone émis</translation>
    </message>
    <message>
        <source>Power data coverage</source>
        <translation>Couverture des données de puissance</translation>
    </message>
    <message>
        <source>% of the shift</source>
        <translation>% du poste</translation>
    </message>
    <message>
        <source>Peak as share of the envelope</source>
        <translation>Pic en part de l&apos;enveloppe</translation>
    </message>
    <message>
        <source>% of {0} MW</source>
        <translation>% de {0} MW</translation>
    </message>
    <message>
        <source> (fleet: {0} GPUs)</source>
        <translation> (parc : {0} GPU)</translation>
    </message>
    <message>
        <source>Jobs completed in the shift</source>
        <translation>Jobs terminés pendant le poste</translation>
    </message>
    <message>
        <source>jobs</source>
        <translation>jobs</translation>
    </message>
    <message>
        <source>Jobs failed in the shift</source>
        <translation>Jobs en échec pendant le poste</translation>
    </message>
    <message>
        <source>Jobs timed out</source>
        <translation>Jobs hors délai</translation>
    </message>
    <message>
        <source>Jobs cancelled</source>
        <translation>Jobs annulés</translation>
    </message>
    <message>
        <source>GPU-hours delivered in the shift</source>
        <translation>Heures-GPU fournies pendant le poste</translation>
    </message>
    <message>
        <source>Failed and timed-out jobs ({0})</source>
        <translation>Jobs en échec et hors délai ({0})</translation>
    </message>
    <message>
        <source>{0} earlier ones are listed in summary.json.</source>
        <translation>{0} antérieurs sont listés dans summary.json.</translation>
    </message>
    <message>
        <source>Action (within {0} min): {1}</source>
        <translation>Action (sous {0} min) : {1}</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>high</source>
        <translation>haute</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <source>low</source>
        <translation>basse</translation>
    </message>
    <message>
        <source>diagnostic</source>
        <translation>diagnostic</translation>
    </message>
    <message>
        <source>NORMAL</source>
        <translation>NORMALE</translation>
    </message>
    <message>
        <source>UNACK</source>
        <translation>NON ACQUITTÉE</translation>
    </message>
    <message>
        <source>ACKED</source>
        <translation>ACQUITTÉE</translation>
    </message>
    <message>
        <source>RTN_UNACK</source>
        <translation>REVENUE, NON ACQUITTÉE</translation>
    </message>
    <message>
        <source>SHELVED</source>
        <translation>EN ATTENTE</translation>
    </message>
    <message>
        <source>SUPPRESSED</source>
        <translation>SUPPRIMÉE</translation>
    </message>
    <message>
        <source>OUT_OF_SERVICE</source>
        <translation>HORS SERVICE</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échouée</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>délai dépassé</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulée</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>terminée</translation>
    </message>
    <message>
        <source>node_fail</source>
        <translation>panne de nœud</translation>
    </message>
    <message>
        <source>Alarms raised in the shift</source>
        <translation>Alarmes levées pendant le poste</translation>
    </message>
    <message>
        <source>Acknowledged in the shift</source>
        <translation>Acquittées pendant le poste</translation>
    </message>
    <message>
        <source>Still open at the shift&apos;s end</source>
        <translation>Encore ouvertes en fin de poste</translation>
    </message>
    <message>
        <source>Shelved at the shift&apos;s end</source>
        <translation>En attente en fin de poste</translation>
    </message>
    <message>
        <source>Suppressed / out of service</source>
        <translation>Supprimées / hors service</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>Encore ouvertes</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>{0} more in summary.json.</source>
        <translation>{0} de plus dans summary.json.</translation>
    </message>
    <message>
        <source>Alarm journal of the shift ({0} transitions)</source>
        <translation>Journal des alarmes du poste ({0} transitions)</translation>
    </message>
    <message>
        <source>The last {0} are shown; all are in summary.json.</source>
        <translation>Les {0} dernières sont montrées ; toutes sont dans summary.json.</translation>
    </message>
    <message>
        <source>Alarms raised</source>
        <translation>Alarmes levées</translation>
    </message>
    <message>
        <source>≤ 50 per 8 h shift</source>
        <translation>≤ 50 par poste de 8 h</translation>
    </message>
    <message>
        <source>Alarms per 10 min, average</source>
        <translation>Alarmes par 10 min, moyenne</translation>
    </message>
    <message>
        <source>Most alarms in any 10 min (sliding)</source>
        <translation>Maximum d&apos;alarmes sur 10 min (glissant)</translation>
    </message>
    <message>
        <source>Alarm rate per day</source>
        <translation>Alarmes par jour</translation>
    </message>
    <message>
        <source>Floods (&gt; 10 in 10 min)</source>
        <translation>Avalanches (&gt; 10 en 10 min)</translation>
    </message>
    <message>
        <source>Time in floods</source>
        <translation>Temps en avalanche</translation>
    </message>
    <message>
        <source>Critical share</source>
        <translation>Part critique</translation>
    </message>
    <message>
        <source>High share</source>
        <translation>Part haute</translation>
    </message>
    <message>
        <source>Medium and low share</source>
        <translation>Part moyenne et basse</translation>
    </message>
    <message>
        <source>Chattering alarms (3 in 1 min)</source>
        <translation>Alarmes instables (3 en 1 min)</translation>
    </message>
    <message>
        <source>Standing at the shift&apos;s end</source>
        <translation>Actives en fin de poste</translation>
    </message>
    <message>
        <source>Stale (standing &gt; 24 h)</source>
        <translation>Anciennes (actives &gt; 24 h)</translation>
    </message>
    <message>
        <source>Time to acknowledge, median</source>
        <translation>Délai d&apos;acquittement, médiane</translation>
    </message>
    <message>
        <source>Time to acknowledge, 90th percentile</source>
        <translation>Délai d&apos;acquittement, 90e centile</translation>
    </message>
    <message>
        <source>Time to acknowledge, longest</source>
        <translation>Délai d&apos;acquittement, le plus long</translation>
    </message>
    <message>
        <source>Waiting for acknowledgement at the end</source>
        <translation>En attente d&apos;acquittement à la fin</translation>
    </message>
    <message>
        <source>Shelved in the shift / at its end</source>
        <translation>Mises en attente pendant le poste / à sa fin</translation>
    </message>
    <message>
        <source>Needs the alarm journal (the console&apos;s cache).</source>
        <translation>Nécessite le journal des alarmes (le cache de la console).</translation>
    </message>
    <message>
        <source>{0}–{1} ({2} alarms)</source>
        <translation>{0}–{1} ({2} alarmes)</translation>
    </message>
    <message>
        <source>Floods: {0}</source>
        <translation>Avalanches : {0}</translation>
    </message>
    <message>
        <source>Chattering:</source>
        <translation>Alarmes intermittentes :</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} min {1} s</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} h {1} min</translation>
    </message>
    <message>
        <source>No incident in the shift.</source>
        <translation>Aucun incident pendant le poste.</translation>
    </message>
    <message>
        <source> and {0} more</source>
        <translation> et {0} de plus</translation>
    </message>
    <message>
        <source>ongoing</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>&lt;b&gt;From&lt;/b&gt; {0} &lt;b&gt;to&lt;/b&gt; {1} · &lt;b&gt;priority&lt;/b&gt; {2} · &lt;b&gt;{3}&lt;/b&gt; racks, &lt;b&gt;{4}&lt;/b&gt; GPUs, &lt;b&gt;{5}&lt;/b&gt; jobs affected&lt;br/&gt;&lt;b&gt;Racks:&lt;/b&gt; {6}</source>
        <translation>&lt;b&gt;Du&lt;/b&gt; {0} &lt;b&gt;au&lt;/b&gt; {1} · &lt;b&gt;priorité&lt;/b&gt; {2} · &lt;b&gt;{3}&lt;/b&gt; baies, &lt;b&gt;{4}&lt;/b&gt; GPU, &lt;b&gt;{5}&lt;/b&gt; tâches touchées&lt;br/&gt;&lt;b&gt;Baies :&lt;/b&gt; {6}</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Note :</translation>
    </message>
    <message>
        <source>{0} more steps in summary.json.</source>
        <translation>{0} étapes de plus dans summary.json.</translation>
    </message>
    <message>
        <source>Not known for this shift (no GPU health data at its end).</source>
        <translation>Inconnue pour ce poste (pas de données de santé GPU à sa fin).</translation>
    </message>
    <message>
        <source>Maintenance list ({0} devices at {1})</source>
        <translation>Liste de maintenance ({0} équipements à {1})</translation>
    </message>
    <message>
        <source>No device needs maintenance.</source>
        <translation>Aucun équipement à maintenir.</translation>
    </message>
    <message>
        <source>… and {0} more; the counts above and summary.json cover them all.</source>
        <translation>… et {0} de plus ; les décomptes ci-dessus et summary.json les couvrent tous.</translation>
    </message>
    <message>
        <source>{0} throttled GPUs on racks under a site alarm are that alarm&apos;s consequence, not listed.</source>
        <translation>{0} GPU ralentis sur des baies sous une alarme de site sont la conséquence de cette alarme, non listés.</translation>
    </message>
    <message>
        <source>No handover of this shift was recorded in the console (File → Hand over shift).</source>
        <translation>Aucune relève de ce poste n&apos;a été enregistrée dans la console (Fichier → Passer la relève).</translation>
    </message>
    <message>
        <source>Handed over by {0} at {1}, taken over by {2} at {3}</source>
        <translation>Transmis par {0} le {1}, repris par {2} le {3}</translation>
    </message>
    <message>
        <source>(site time)</source>
        <translation>(heure du site)</translation>
    </message>
    <message>
        <source>Summary:</source>
        <translation>Résumé :</translation>
    </message>
    <message>
        <source>No summary was given.</source>
        <translation>Aucun résumé n&apos;a été donné.</translation>
    </message>
    <message>
        <source>operations</source>
        <translation>exploitation</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>maintenance</translation>
    </message>
    <message>
        <source>safety</source>
        <translation>sécurité</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>client</translation>
    </message>
    <message>
        <source>rack</source>
        <translation>baie</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>alarme</translation>
    </message>
    <message>
        <source>incident</source>
        <translation>incident</translation>
    </message>
    <message>
        <source>job</source>
        <translation>job</translation>
    </message>
    <message>
        <source>cleared by {0} at {1}</source>
        <translation>levé par {0} le {1}</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouvert</translation>
    </message>
    <message>
        <source>{0} more in summary.json and the pack&apos;s CSV files.</source>
        <translation>{0} de plus dans summary.json et les fichiers CSV du dossier.</translation>
    </message>
    <message>
        <source>No open item is carried forward.</source>
        <translation>Aucun point ouvert n&apos;est reporté.</translation>
    </message>
    <message>
        <source>Still open at the end of the shift, whenever written: each stays here, shift after shift, until someone clears it.</source>
        <translation>Encore ouverts à la fin du poste, quelle que soit leur date : chacun reste ici, poste après poste, jusqu&apos;à ce que quelqu&apos;un le lève.</translation>
    </message>
    <message>
        <source>No open item was cleared in the shift.</source>
        <translation>Aucun point ouvert n&apos;a été clos pendant le poste.</translation>
    </message>
    <message>
        <source>Open items cleared during the shift, whenever written: no longer carried forward.</source>
        <translation>Points ouverts levés pendant le poste, quelle que soit leur date : ils ne sont plus reportés.</translation>
    </message>
    <message>
        <source>Not in this pack:</source>
        <translation>Absent de ce dossier :</translation>
    </message>
    <message>
        <source>No entry was written in the shift.</source>
        <translation>Aucune entrée n&apos;a été écrite pendant le poste.</translation>
    </message>
    <message>
        <source>Shift log ({0} entry)</source>
        <translation>Main courante ({0} entrée)</translation>
    </message>
    <message>
        <source>Shift log ({0} entries)</source>
        <translation>Main courante ({0} entrées)</translation>
    </message>
    <message>
        <source>No notes were entered.</source>
        <translation>Aucune note n&apos;a été saisie.</translation>
    </message>
    <message>
        <source>Deferrable load moved</source>
        <translation>Charge différable déplacée</translation>
    </message>
    <message>
        <source>Grid energy avoided</source>
        <translation>Énergie réseau évitée</translation>
    </message>
    <message>
        <source>Carbon avoided</source>
        <translation>Carbone évité</translation>
    </message>
    <message>
        <source>Running jobs counted</source>
        <translation>Jobs en cours comptés</translation>
    </message>
    <message>
        <source>Basis: forecast P50, battery dispatch as forecast, surplus renewables curtailed, moved work draws the same power later. Nothing was changed on the site.</source>
        <translation>Base : prévision P50, batterie pilotée selon la prévision, surplus renouvelable écrêté, le travail déplacé consomme la même puissance plus tard. Rien n&apos;a été modifié sur le site.</translation>
    </message>
    <message>
        <source>After the report, one landscape page per view: {0}.</source>
        <translation>Après le rapport, une page paysage par vue : {0}.</translation>
    </message>
</context>
<context>
    <name>ReviewFeed</name>
    <message>
        <source>rack detail is not kept in the cache</source>
        <translation>le détail de baie n&apos;est pas conservé dans le cache</translation>
    </message>
    <message>
        <source>a review shows the shift log as it stood; write it in the live console</source>
        <translation>une revue montre la main courante telle qu&apos;elle était ; écrivez-la dans la console en direct</translation>
    </message>
</context>
<context>
    <name>ShelveDialog</name>
    <message>
        <source>15 min</source>
        <translation>15 min</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 h</translation>
    </message>
    <message>
        <source>8 h</source>
        <translation>8 h</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>Personnalisé…</translation>
    </message>
    <message>
        <source>Shelve alarms</source>
        <translation>Mettre des alarmes en attente</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Shelve for</source>
        <translation>En attente pendant</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personnalisé</translation>
    </message>
</context>
<context>
    <name>ShiftLogModel</name>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Liens</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Exploitation</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>Safety</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>rack {0}</source>
        <translation>baie {0}</translation>
    </message>
    <message>
        <source>alarm {0}</source>
        <translation>alarme {0}</translation>
    </message>
    <message>
        <source>incident {0}</source>
        <translation>incident {0}</translation>
    </message>
    <message>
        <source>job {0}</source>
        <translation>job {0}</translation>
    </message>
    <message>
        <source>waiting for the hub</source>
        <translation>en attente du hub</translation>
    </message>
    <message>
        <source>cleared by {0} at {1}</source>
        <translation>clos par {0} à {1}</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouvert</translation>
    </message>
    <message>
        <source>{time} site time ({utc}) · {author} · {category}</source>
        <translation>{time} heure du site ({utc}) · {author} · {category}</translation>
    </message>
    <message>
        <source>Open item cleared by {0} at {1} site time ({2})</source>
        <translation>Point ouvert clos par {0} à {1} heure du site ({2})</translation>
    </message>
    <message>
        <source>Open item: carried to every handover until someone clears it</source>
        <translation>Point ouvert : reporté à chaque relève jusqu&apos;à ce que quelqu&apos;un le close</translation>
    </message>
    <message>
        <source>Links: {0}</source>
        <translation>Liens : {0}</translation>
    </message>
</context>
<context>
    <name>ShiftLogView</name>
    <message>
        <source>A review shows the shift log as it stood; entries are written in the live console</source>
        <translation>Une revue montre la main courante telle qu&apos;elle était ; on y écrit dans la console en direct</translation>
    </message>
    <message>
        <source>Add entry…</source>
        <translation>Ajouter une entrée…</translation>
    </message>
    <message>
        <source>Write an entry with the current selection linked (Ctrl+L)</source>
        <translation>Écrire une entrée liée à la sélection en cours (Ctrl+L)</translation>
    </message>
    <message>
        <source>Clear item…</source>
        <translation>Clore le point…</translation>
    </message>
    <message>
        <source>Clear the selected open item (it is then no longer carried to the next handover)</source>
        <translation>Clore le point ouvert sélectionné (il n&apos;est alors plus reporté à la relève suivante)</translation>
    </message>
    <message>
        <source>Go to</source>
        <translation>Aller à</translation>
    </message>
    <message>
        <source>Go to what the selected entry links to</source>
        <translation>Aller à ce que l&apos;entrée sélectionnée référence</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Toutes les catégories</translation>
    </message>
    <message>
        <source>Open items only</source>
        <translation>Points ouverts seulement</translation>
    </message>
    <message>
        <source>Search text, author, links</source>
        <translation>Rechercher texte, auteur, liens</translation>
    </message>
    <message>
        <source>Select an entry to read it whole; double-click or Enter goes to its first link.</source>
        <translation>Sélectionnez une entrée pour la lire en entier ; double-clic ou Entrée va à son premier lien.</translation>
    </message>
    <message>
        <source>Shift-log entry written.</source>
        <translation>Entrée de main courante écrite.</translation>
    </message>
    <message>
        <source>Open item cleared.</source>
        <translation>Point ouvert clos.</translation>
    </message>
    <message>
        <source>{0} kept shift-log write(s) sent to the hub.</source>
        <translation>{0} écriture(s) de main courante conservée(s) envoyée(s) au hub.</translation>
    </message>
    <message>
        <source>{0} write(s) wait for the hub.</source>
        <translation>{0} écriture(s) en attente du hub.</translation>
    </message>
    <message>
        <source>The hub does not answer: the entry is kept and sent when it answers (%1).</source>
        <translation>Le hub ne répond pas : l&apos;entrée est conservée et envoyée dès qu&apos;il répondra (%1).</translation>
    </message>
    <message>
        <source>The hub does not answer: the clearing of the item is kept and sent when it answers (%1).</source>
        <translation>Le hub ne répond pas : la clôture du point est conservée et envoyée dès qu&apos;il répondra (%1).</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>pas de réponse</translation>
    </message>
    <message>
        <source>Not cleared: {0} cleared it already at {1} (site time).</source>
        <translation>Non clos : {0} l&apos;a déjà clos à {1} (heure du site).</translation>
    </message>
    <message>
        <source>Entry not written</source>
        <translation>Entrée non écrite</translation>
    </message>
    <message>
        <source>Item not cleared</source>
        <translation>Point non clos</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0} : {1}</translation>
    </message>
    <message>
        <source>{shown} of {total} entries shown · open items: {open}</source>
        <translation>{shown} entrées affichées sur {total} · points ouverts : {open}</translation>
    </message>
    <message>
        <source>shift log not recorded in this file</source>
        <translation>main courante non enregistrée dans ce fichier</translation>
    </message>
    <message>
        <source>as it stood at {0} site time</source>
        <translation>tel qu&apos;à {0} heure du site</translation>
    </message>
    <message>
        <source>log not read: {0}</source>
        <translation>main courante non lue : {0}</translation>
    </message>
    <message>
        <source>No shift log read yet.</source>
        <translation>Main courante pas encore lue.</translation>
    </message>
    <message>
        <source>This file holds no shift log (recorded before the console kept one).</source>
        <translation>Ce fichier ne contient pas de main courante (enregistré avant que la console n&apos;en tienne une).</translation>
    </message>
    <message>
        <source>No entry matches the filters ({0} hidden).</source>
        <translation>Aucune entrée ne correspond aux filtres ({0} masquées).</translation>
    </message>
    <message>
        <source>The shift log is empty.</source>
        <translation>La main courante est vide.</translation>
    </message>
    <message>
        <source>Go to {0}</source>
        <translation>Aller à {0}</translation>
    </message>
    <message>
        <source>No links</source>
        <translation>Aucun lien</translation>
    </message>
</context>
<context>
    <name>SiteSummary</name>
    <message>
        <source>solar, wind not metered</source>
        <translation>solaire, éolien non mesurés</translation>
    </message>
    <message>
        <source>solar {0} MW</source>
        <translation>solaire {0} MW</translation>
    </message>
    <message>
        <source>solar not metered</source>
        <translation>solaire non mesuré</translation>
    </message>
    <message>
        <source>wind {0} MW</source>
        <translation>éolien {0} MW</translation>
    </message>
    <message>
        <source>wind not metered</source>
        <translation>éolien non mesuré</translation>
    </message>
    <message>
        <source>Facility load</source>
        <translation>Charge du site</translation>
    </message>
    <message>
        <source>IT load</source>
        <translation>Charge IT</translation>
    </message>
    <message>
        <source>Renewable share</source>
        <translation>Part renouvelable</translation>
    </message>
    <message>
        <source>PUE</source>
        <translation>PUE</translation>
    </message>
    <message>
        <source>Carbon intensity</source>
        <translation>Intensité carbone</translation>
    </message>
    <message>
        <source>Racks reporting</source>
        <translation>Baies remontant des données</translation>
    </message>
    <message>
        <source>Unhealthy GPUs</source>
        <translation>GPU en défaut</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>STALE · {0} old</source>
        <translation>PÉRIMÉ · vieux de {0}</translation>
    </message>
    <message>
        <source>{0} % of {1} MW</source>
        <translation>{0} % de {1} MW</translation>
    </message>
    <message>
        <source>no envelope in the site layout (capacity_mw)</source>
        <translation>pas d&apos;enveloppe dans le plan du site (capacity_mw)</translation>
    </message>
    <message>
        <source>grid {0} MW</source>
        <translation>réseau {0} MW</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n.d.</translation>
    </message>
    <message>
        <source>{0} MW metered</source>
        <translation>{0} MW mesurés</translation>
    </message>
    <message>
        <source>{0} failed · {1} off bus · {2} degraded</source>
        <translation>{0} en panne · {1} hors bus · {2} dégradés</translation>
    </message>
    <message>
        <source>{0} running</source>
        <translation>{0} en cours</translation>
    </message>
    <message>
        <source>{0} pending</source>
        <translation>{0} en attente</translation>
    </message>
</context>
<context>
    <name>Sparkline</name>
    <message>
        <source>no history</source>
        <translation>pas d&apos;historique</translation>
    </message>
    <message>
        <source>max %1</source>
        <translation>max %1</translation>
    </message>
    <message>
        <source>min %1</source>
        <translation>min %1</translation>
    </message>
</context>
<context>
    <name>Steering</name>
    <message>
        <source>No advice: no forecast.</source>
        <translation>Aucun conseil : pas de prévision.</translation>
    </message>
    <message>
        <source>No advice: no job queue.</source>
        <translation>Aucun conseil : pas de file des jobs.</translation>
    </message>
    <message>
        <source>No advice: the racks&apos; power is not known.</source>
        <translation>Aucun conseil : la puissance des baies est inconnue.</translation>
    </message>
    <message>
        <source>No advice: no deferrable work is running.</source>
        <translation>Aucun conseil : aucun travail différable n&apos;est en cours.</translation>
    </message>
    <message>
        <source>No advice: no renewable supply forecast.</source>
        <translation>Aucun conseil : pas de prévision de production renouvelable.</translation>
    </message>
    <message>
        <source>No advice: no load forecast.</source>
        <translation>Aucun conseil : pas de prévision de charge.</translation>
    </message>
    <message>
        <source>No advice: the forecast is too short.</source>
        <translation>Aucun conseil : la prévision est trop courte.</translation>
    </message>
    <message>
        <source>No move of the deferrable work lowers grid imports over the forecast.</source>
        <translation>Aucun déplacement du travail différable ne réduit l&apos;import réseau sur la période prévue.</translation>
    </message>
    <message>
        <source>No advice: {0}.</source>
        <translation>Aucun conseil : {0}.</translation>
    </message>
    <message>
        <source>tomorrow {0}</source>
        <translation>demain {0}</translation>
    </message>
    <message>
        <source>Moving {mw} MW of deferrable work from {src} to {dst} avoids {co2} t CO2: the grid is cleaner then (the renewable share of the next {h} h stays at {share} %).</source>
        <translation>Déplacer {mw} MW de travail différable de {src} à {dst} évite {co2} t de CO2 : le réseau est alors moins carboné (la part renouvelable des {h} prochaines heures reste à {share} %).</translation>
    </message>
    <message>
        <source>Moving {mw} MW of deferrable work from {src} to {dst} raises the renewable share of the next {h} h from {before} % to {after} % and avoids {co2} t CO2.</source>
        <translation>Déplacer {mw} MW de travail différable de {src} à {dst} porte la part renouvelable des {h} prochaines heures de {before} % à {after} % et évite {co2} t de CO2.</translation>
    </message>
</context>
<context>
    <name>SteeringView</name>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>MW (IT)</source>
        <translation>MW (IT)</translation>
    </message>
    <message>
        <source>Deferrable now: {0} running ({1} jobs), {2} queued ({3} jobs)</source>
        <translation>Différable maintenant : {0} en cours ({1} jobs), {2} en file ({3} jobs)</translation>
    </message>
    <message>
        <source>forecast issued {0} by {1}</source>
        <translation>prévision émise {0} par {1}</translation>
    </message>
    <message>
        <source>It only advises; nothing is changed on the site. Basis: forecast P50, battery dispatch as forecast, surplus renewables curtailed, moved work draws the same power later.</source>
        <translation>Il ne fait que conseiller ; rien n&apos;est modifié sur le site. Base : prévision P50, batterie pilotée selon la prévision, surplus renouvelable écrêté, le travail déplacé consomme la même puissance plus tard.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>and {0} more jobs</source>
        <translation>et {0} jobs de plus</translation>
    </message>
</context>
<context>
    <name>TenantEnergyView</name>
    <message>
        <source>Last 24 hours</source>
        <translation>Dernières 24 heures</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>Whole cache</source>
        <translation>Tout le cache</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Plage personnalisée</translation>
    </message>
    <message>
        <source>By tenant</source>
        <translation>Par client</translation>
    </message>
    <message>
        <source>By kind</source>
        <translation>Par type</translation>
    </message>
    <message>
        <source>By country</source>
        <translation>Par pays</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Pays</translation>
    </message>
    <message>
        <source>GPU-hours</source>
        <translation>GPU-heures</translation>
    </message>
    <message>
        <source>Energy kWh</source>
        <translation>Énergie kWh</translation>
    </message>
    <message>
        <source>Carbon kg</source>
        <translation>Carbone kg</translation>
    </message>
    <message>
        <source>Share %</source>
        <translation>Part %</translation>
    </message>
    <message>
        <source>Show range</source>
        <translation>Afficher la plage</translation>
    </message>
    <message>
        <source>from</source>
        <translation>de</translation>
    </message>
    <message>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Save CSV…</source>
        <translation>Enregistrer en CSV…</translation>
    </message>
    <message>
        <source>Write the report shown as CSV, as main.py report tenants does</source>
        <translation>Écrire le rapport affiché en CSV, comme main.py report tenants</translation>
    </message>
    <message>
        <source>Choose a period: the report is read from the history cache.</source>
        <translation>Choisissez une période : le rapport est lu dans le cache d&apos;historique.</translation>
    </message>
    <message>
        <source>No history cache: the report needs one (--cache).</source>
        <translation>Pas de cache d&apos;historique : le rapport en a besoin (--cache).</translation>
    </message>
    <message>
        <source>Not read: the period must end after it starts ({0} is not before {1}).</source>
        <translation>Non lu : la période doit finir après son début ({0} n&apos;est pas avant {1}).</translation>
    </message>
    <message>
        <source>Reading the history cache…</source>
        <translation>Lecture du cache d&apos;historique…</translation>
    </message>
    <message>
        <source>Save the report as CSV</source>
        <translation>Enregistrer le rapport en CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Not saved: cannot write {0}: {1}</source>
        <translation>Non enregistré : impossible d&apos;écrire {0} : {1}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Enregistré : {0}</translation>
    </message>
    <message>
        <source>No report: {0}</source>
        <translation>Pas de rapport : {0}</translation>
    </message>
    <message>
        <source>{start} to {end} ({zone}): {energy} kWh of IT energy metered by the racks (site IT meter {check}); grid imports at {grid} gCO2eq/kWh, wind, sun and battery at zero</source>
        <translation>Du {start} au {end} ({zone}) : {energy} kWh d&apos;énergie IT mesurés par les baies (compteur IT du site {check}) ; réseau à {grid} gCO2eq/kWh, vent, soleil et batterie à zéro</translation>
    </message>
    <message>
        <source>The cache holds {0} to {1}, part of the period asked: the figures cover that part only.</source>
        <translation>Le cache contient {0} à {1}, une partie de la période demandée : les chiffres ne couvrent que cette partie.</translation>
    </message>
    <message>
        <source>Unallocated (no job)</source>
        <translation>Non alloué (aucune tâche)</translation>
    </message>
    <message>
        <source>Facility overhead (cooling, losses)</source>
        <translation>Surcoût du site (refroidissement, pertes)</translation>
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
        <translation>n.d.</translation>
    </message>
</context>
<context>
    <name>TimelineScrubber</name>
    <message>
        <source>%1 site time (%2 UTC)</source>
        <translation>%1 heure du site (%2 UTC)</translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation>REVUE</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ Lecture</translation>
    </message>
    <message>
        <source>Jump to incident…</source>
        <translation>Aller à l&apos;incident…</translation>
    </message>
    <message>
        <source>Jump to incident… ({0})</source>
        <translation>Aller à l&apos;incident… ({0})</translation>
    </message>
    <message>
        <source>No incidents</source>
        <translation>Aucun incident</translation>
    </message>
    <message>
        <source>{0} span(s) in this file were not recorded (cache failures)</source>
        <translation>{0} période(s) de ce fichier non enregistrée(s) (pannes du cache)</translation>
    </message>
    <message>
        <source>Not recorded {0} ({1} polls): {2}</source>
        <translation>Non enregistré {0} ({1} interrogations) : {2}</translation>
    </message>
    <message>
        <source>Not recorded {0} ({1} polls)</source>
        <translation>Non enregistré {0} ({1} interrogations)</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ Pause</translation>
    </message>
</context>
<context>
    <name>WallDialog</name>
    <message>
        <source>Wall mode</source>
        <translation>Mode mur d&apos;écrans</translation>
    </message>
    <message>
        <source>Views:</source>
        <translation>Vues :</translation>
    </message>
    <message>
        <source>Screens:</source>
        <translation>Écrans :</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>no rotation</source>
        <translation>pas de rotation</translation>
    </message>
    <message>
        <source>Rotate views every:</source>
        <translation>Faire tourner les vues toutes les :</translation>
    </message>
    <message>
        <source>Views are dealt to the screens in turn; Esc leaves wall mode.</source>
        <translation>Les vues sont réparties sur les écrans à tour de rôle ; Échap quitte le mode mur d&apos;écrans.</translation>
    </message>
</context>
<context>
    <name>WallScreen</name>
    <message>
        <source>Esc leaves wall mode</source>
        <translation>Échap quitte le mode mur d&apos;écrans</translation>
    </message>
    <message>
        <source>{title} ({n} of {count})</source>
        <translation>{title} ({n} sur {count})</translation>
    </message>
</context>
</TS>

/**
 * Per-specialty vocabulary: chapter topics, the terms the template sentences are
 * filled with, and the keywords that route ROCO captions to a specialty. The
 * lists are long enough that two books of different specialties share almost no
 * word 5-grams, so near-duplicate detection only fires where a duplicate was planted.
 */
export interface Specialty {
  key: string;
  name: string;
  captionPattern: RegExp;
  topics: string[];
  symptoms: string[];
  tests: string[];
  treatments: string[];
  anatomy: string[];
  findings: string[];
}

export const SPECIALTIES: Specialty[] = [
  {
    key: 'cardiology',
    name: 'Cardiology',
    captionPattern: /heart|cardiac|coronary|ventric|atri(al|um)|aort|valv|echocardiog|myocard|pericard|angiogra/i,
    topics: ['Cardiac Anatomy and Physiology', 'Coronary Artery Disease', 'Heart Failure', 'Valvular Heart Disease',
      'Arrhythmias', 'Cardiomyopathies', 'Pericardial Disease', 'Congenital Heart Disease in Adults', 'Aortic Disease',
      'Hypertension and the Heart', 'Infective Endocarditis', 'Pulmonary Hypertension', 'Cardiac Imaging'],
    symptoms: ['exertional chest pain', 'dyspnoea on exertion', 'palpitations', 'syncope', 'orthopnoea', 'peripheral oedema',
      'fatigue', 'presyncope', 'paroxysmal nocturnal dyspnoea', 'reduced exercise tolerance'],
    tests: ['transthoracic echocardiography', 'the twelve-lead electrocardiogram', 'coronary angiography', 'cardiac magnetic resonance',
      'exercise stress testing', 'serial troponin measurement', 'ambulatory Holter monitoring', 'cardiac computed tomography',
      'natriuretic peptide levels', 'transoesophageal echocardiography'],
    treatments: ['beta-blockers', 'angiotensin-converting enzyme inhibitors', 'percutaneous coronary intervention', 'loop diuretics',
      'anticoagulation', 'catheter ablation', 'valve replacement', 'statin therapy', 'cardiac resynchronisation therapy',
      'an implantable cardioverter-defibrillator'],
    anatomy: ['the left ventricle', 'the mitral valve', 'the aortic root', 'the right atrium', 'the interventricular septum',
      'the left anterior descending artery', 'the pericardium', 'the tricuspid annulus', 'the sinoatrial node', 'the pulmonary veins'],
    findings: ['regional wall motion abnormality', 'left ventricular hypertrophy', 'reduced ejection fraction', 'a pericardial effusion',
      'ST-segment elevation', 'valvular calcification', 'atrial enlargement', 'diastolic dysfunction', 'a dilated aortic root',
      'late gadolinium enhancement'],
  },
  {
    key: 'neurology',
    name: 'Neurology',
    captionPattern: /brain|cerebr|spinal cord|cranial|neur|white matter|hippocamp|intracranial|glioma|stroke|meningi/i,
    topics: ['Neuroanatomy for Clinicians', 'Ischaemic Stroke', 'Intracerebral Haemorrhage', 'Epilepsy', 'Multiple Sclerosis',
      'Brain Tumours', 'Movement Disorders', 'Headache Disorders', 'Infections of the Nervous System', 'Spinal Cord Disease',
      'Peripheral Neuropathy', 'Dementia', 'Neuromuscular Disease'],
    symptoms: ['focal weakness', 'sudden-onset headache', 'seizures', 'visual field loss', 'ataxia', 'aphasia', 'progressive memory loss',
      'numbness in both feet', 'diplopia', 'gait disturbance'],
    tests: ['magnetic resonance imaging of the brain', 'non-contrast computed tomography', 'lumbar puncture', 'electroencephalography',
      'nerve conduction studies', 'computed tomography angiography', 'diffusion-weighted imaging', 'electromyography',
      'cerebrospinal fluid analysis', 'perfusion imaging'],
    treatments: ['intravenous thrombolysis', 'mechanical thrombectomy', 'antiepileptic drugs', 'disease-modifying therapy',
      'corticosteroids', 'neurosurgical resection', 'levodopa', 'physiotherapy and rehabilitation', 'antiplatelet therapy',
      'stereotactic radiosurgery'],
    anatomy: ['the internal capsule', 'the basal ganglia', 'the middle cerebral artery territory', 'the corpus callosum',
      'the cerebellar hemisphere', 'the brainstem', 'the temporal lobe', 'the periventricular white matter', 'the cervical cord',
      'the circle of Willis'],
    findings: ['restricted diffusion', 'a mass effect with midline shift', 'periventricular hyperintensities', 'ring enhancement',
      'hydrocephalus', 'cortical atrophy', 'a hyperdense vessel sign', 'leptomeningeal enhancement', 'oedema around the lesion',
      'microhaemorrhages'],
  },
  {
    key: 'obstetrics',
    name: 'Obstetrics and Gynaecology',
    captionPattern: /fetal|fetus|uter|pregnan|placent|gestation|ovar|obstet|cervi[xc]|endometri|adnex|pelvi/i,
    topics: ['Physiology of Pregnancy', 'Antenatal Care', 'Ultrasound in Obstetrics', 'Placental Disorders', 'Hypertensive Disorders of Pregnancy',
      'Preterm Labour', 'Ectopic Pregnancy', 'Fetal Growth Restriction', 'Labour and Delivery', 'Postpartum Haemorrhage',
      'Benign Uterine Disease', 'Ovarian Masses', 'Gynaecological Oncology'],
    symptoms: ['vaginal bleeding', 'lower abdominal pain', 'reduced fetal movements', 'pelvic pressure', 'headache with visual disturbance',
      'painful uterine contractions', 'heavy menstrual bleeding', 'pelvic pain', 'rupture of membranes', 'hyperemesis'],
    tests: ['transvaginal ultrasound', 'serial fetal biometry', 'umbilical artery Doppler', 'cardiotocography', 'serum beta-hCG measurement',
      'pelvic magnetic resonance imaging', 'cervical length measurement', 'the oral glucose tolerance test', 'amniocentesis',
      'first-trimester screening'],
    treatments: ['antenatal corticosteroids', 'magnesium sulphate', 'induction of labour', 'caesarean section', 'methotrexate',
      'laparoscopic surgery', 'uterotonic drugs', 'tocolysis', 'low-dose aspirin', 'hysterectomy'],
    anatomy: ['the uterine cavity', 'the placental bed', 'the cervix', 'the adnexa', 'the fetal heart', 'the umbilical cord',
      'the endometrium', 'the pouch of Douglas', 'the lower uterine segment', 'the fallopian tube'],
    findings: ['a low-lying placenta', 'polyhydramnios', 'an adnexal mass', 'a thickened endometrium', 'absent end-diastolic flow',
      'a short cervix', 'free fluid in the pelvis', 'fetal macrosomia', 'a retroplacental haematoma', 'an intramural fibroid'],
  },
  {
    key: 'musculoskeletal',
    name: 'Musculoskeletal Medicine',
    captionPattern: /fractur|bone|femur|femoral|knee|tibia|humer|vertebr|joint|hip|shoulder|osteo|tendon|ligament|menisc/i,
    topics: ['Bone Biology and Healing', 'Fractures of the Upper Limb', 'Fractures of the Lower Limb', 'Osteoarthritis',
      'Inflammatory Arthritis', 'Sports Injuries of the Knee', 'Disorders of the Shoulder', 'Spinal Disorders', 'Bone Tumours',
      'Osteoporosis', 'Paediatric Orthopaedics', 'Musculoskeletal Infection', 'Hand Surgery'],
    symptoms: ['joint pain', 'morning stiffness', 'swelling after a twisting injury', 'inability to bear weight', 'night pain',
      'reduced range of motion', 'mechanical locking', 'radicular leg pain', 'localised bone tenderness', 'deformity'],
    tests: ['plain radiography', 'magnetic resonance imaging of the joint', 'computed tomography with reconstructions',
      'dual-energy X-ray absorptiometry', 'musculoskeletal ultrasound', 'bone scintigraphy', 'joint aspiration',
      'inflammatory markers', 'arthroscopy', 'weight-bearing radiographs'],
    treatments: ['open reduction and internal fixation', 'cast immobilisation', 'total joint arthroplasty', 'intramedullary nailing',
      'non-steroidal anti-inflammatory drugs', 'bisphosphonates', 'arthroscopic repair', 'physiotherapy', 'corticosteroid injection',
      'spinal decompression'],
    anatomy: ['the distal radius', 'the femoral neck', 'the anterior cruciate ligament', 'the rotator cuff', 'the medial meniscus',
      'the lumbar spine', 'the tibial plateau', 'the scaphoid', 'the acetabulum', 'the proximal humerus'],
    findings: ['a displaced fracture', 'joint space narrowing', 'a bone marrow oedema pattern', 'periosteal reaction', 'osteophyte formation',
      'a lytic lesion', 'a joint effusion', 'cortical thinning', 'subchondral sclerosis', 'a complete tendon tear'],
  },
  {
    key: 'pulmonology',
    name: 'Respiratory Medicine',
    captionPattern: /lung|pulmon|chest|pleura|bronch|thora|pneumo|airway/i,
    topics: ['Respiratory Physiology', 'Asthma', 'Chronic Obstructive Pulmonary Disease', 'Pneumonia', 'Pulmonary Embolism',
      'Interstitial Lung Disease', 'Lung Cancer', 'Pleural Disease', 'Tuberculosis', 'Sleep-Disordered Breathing',
      'Bronchiectasis', 'Respiratory Failure', 'Thoracic Imaging'],
    symptoms: ['chronic cough', 'haemoptysis', 'wheeze', 'pleuritic chest pain', 'breathlessness at rest', 'sputum production',
      'weight loss and night sweats', 'daytime somnolence', 'stridor', 'cyanosis'],
    tests: ['spirometry', 'high-resolution computed tomography', 'the chest radiograph', 'bronchoscopy', 'arterial blood gas analysis',
      'pulmonary function testing', 'CT pulmonary angiography', 'pleural fluid analysis', 'sputum culture', 'polysomnography'],
    treatments: ['inhaled corticosteroids', 'long-acting bronchodilators', 'antibiotic therapy', 'pulmonary rehabilitation',
      'non-invasive ventilation', 'chest drain insertion', 'lobectomy', 'anticoagulation', 'antifibrotic drugs', 'oxygen therapy'],
    anatomy: ['the right lower lobe', 'the pleural space', 'the main bronchus', 'the mediastinum', 'the lung apex', 'the hilum',
      'the costophrenic angle', 'the trachea', 'the lingula', 'the diaphragm'],
    findings: ['consolidation', 'ground-glass opacity', 'a pleural effusion', 'a spiculated nodule', 'hyperinflation',
      'honeycombing', 'mediastinal lymphadenopathy', 'a pneumothorax', 'bronchial wall thickening', 'a filling defect'],
  },
  {
    key: 'gastroenterology',
    name: 'Gastroenterology and Hepatology',
    captionPattern: /liver|hepat|pancrea|bowel|colon|gallbladder|spleen|gastr|duoden|biliar|oesophag|esophag|abdom/i,
    topics: ['Gastrointestinal Physiology', 'Oesophageal Disorders', 'Peptic Ulcer Disease', 'Inflammatory Bowel Disease',
      'Colorectal Neoplasia', 'Acute Pancreatitis', 'Biliary Disease', 'Chronic Liver Disease', 'Liver Tumours',
      'Gastrointestinal Bleeding', 'Small Bowel Disorders', 'Nutrition and Malabsorption', 'Abdominal Imaging'],
    symptoms: ['epigastric pain', 'dysphagia', 'rectal bleeding', 'jaundice', 'chronic diarrhoea', 'abdominal distension',
      'weight loss', 'nausea and vomiting', 'melaena', 'right upper quadrant pain'],
    tests: ['upper gastrointestinal endoscopy', 'colonoscopy', 'abdominal ultrasound', 'contrast-enhanced computed tomography',
      'magnetic resonance cholangiopancreatography', 'liver function tests', 'endoscopic ultrasound', 'faecal calprotectin',
      'transient elastography', 'capsule endoscopy'],
    treatments: ['proton pump inhibitors', 'endoscopic haemostasis', 'biologic therapy', 'cholecystectomy', 'endoscopic retrograde cholangiography',
      'liver transplantation', 'surgical resection', 'nutritional support', 'antiviral therapy', 'transarterial chemoembolisation'],
    anatomy: ['the common bile duct', 'the pancreatic head', 'the terminal ileum', 'the gastric antrum', 'the sigmoid colon',
      'the portal vein', 'the right hepatic lobe', 'the gastro-oesophageal junction', 'the duodenal bulb', 'the splenic flexure'],
    findings: ['bowel wall thickening', 'a dilated bile duct', 'peripancreatic fat stranding', 'a hypervascular liver lesion',
      'mucosal ulceration', 'ascites', 'a stricture', 'gallstones', 'varices', 'a polypoid mass'],
  },
];

export function specialtyByKey(key: string): Specialty {
  const s = SPECIALTIES.find((x) => x.key === key);
  if (!s) throw new Error(`unknown specialty "${key}" (known: ${SPECIALTIES.map((x) => x.key).join(', ')})`);
  return s;
}

export const SECTION_TOPICS: { title: string; subsections: string[] }[] = [
  { title: 'Epidemiology', subsections: ['Incidence and Prevalence', 'Risk Factors'] },
  { title: 'Pathophysiology', subsections: ['Mechanisms of Disease', 'Natural History'] },
  { title: 'Clinical Presentation', subsections: ['History', 'Physical Examination'] },
  { title: 'Diagnostic Evaluation', subsections: ['Laboratory Investigations', 'Imaging Findings'] },
  { title: 'Differential Diagnosis', subsections: ['Common Mimics', 'Red Flags'] },
  { title: 'Management', subsections: ['Initial Treatment', 'Long-Term Care'] },
  { title: 'Complications', subsections: ['Early Complications', 'Late Sequelae'] },
  { title: 'Prognosis and Follow-Up', subsections: ['Outcome Measures', 'Patient Education'] },
];
